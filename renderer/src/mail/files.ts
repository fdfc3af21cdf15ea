// Bytes that come through the contract as base64 (an attachment, a message's source), handed
// to the browser as a file: a Blob behind an object URL and a download link. The same in
// Electron, whose session saves a download like any browser.
export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Saves the bytes under `filename`, as opaque bytes of `type`. */
export function saveBytes(
  bytes: Uint8Array<ArrayBuffer>,
  filename: string,
  type = 'application/octet-stream',
): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
