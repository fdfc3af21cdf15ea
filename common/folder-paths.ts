// Folder paths as IMAP servers make them: the names of each level joined by the account's
// delimiter ("Projects/2026" on one server, "Projects.2026" on another), and none at all on a
// server that keeps its folders flat (delimiter NIL).

/** The path of a folder named `name` under `parent` (null: at the top). */
export function childPath(parent: string | null, name: string, delimiter: string | null): string {
  return parent === null || delimiter === null ? name : `${parent}${delimiter}${name}`;
}

/** Whether `path` is `root` itself or one of its subfolders, at any depth. */
export function isWithin(path: string, root: string, delimiter: string | null): boolean {
  return path === root || (delimiter !== null && path.startsWith(`${root}${delimiter}`));
}

/** `path` moved from under `from` to under `to` (it must be within `from`). */
export function movedPath(path: string, from: string, to: string): string {
  return `${to}${path.slice(from.length)}`;
}

/** The levels of a path: ["Projects", "2026"] for "Projects/2026" with "/". */
export function pathLevels(path: string, delimiter: string | null): string[] {
  return delimiter === null ? [path] : path.split(delimiter);
}

/** The path of the folder that holds `path`, or null at the top. */
export function parentPath(path: string, delimiter: string | null): string | null {
  if (delimiter === null) return null;
  const at = path.lastIndexOf(delimiter);
  return at <= 0 ? null : path.slice(0, at);
}

/** The folders of an account speak one delimiter: the Inbox's, else the first one known. */
export function accountDelimiter(
  mailboxes: readonly { path: string; delimiter: string | null }[],
): string | null {
  const inbox = mailboxes.find((m) => m.path.toUpperCase() === 'INBOX');
  return inbox?.delimiter ?? mailboxes.find((m) => m.delimiter !== null)?.delimiter ?? null;
}
