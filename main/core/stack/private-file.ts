// A file only its owner may read, written whole or not at all: a crash leaves the old one.
import { chmodSync, renameSync, writeFileSync } from 'node:fs';

export function writePrivate(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
