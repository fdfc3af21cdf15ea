// Images the tests check without a decoder: the header tells a PNG's size.
import { readFileSync } from 'node:fs';

/** The size a PNG file declares in its header; throws when the file is no PNG. */
export function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  if (b.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error(`${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}
