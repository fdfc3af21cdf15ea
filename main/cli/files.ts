/** A sender chooses the name: keep only a plain file name, never a path. */
export function safeFileName(name: string | null): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = [...base]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .replace(/^\.+/, '')
    .trim();
  return clean.slice(0, 200) || 'attachment';
}
