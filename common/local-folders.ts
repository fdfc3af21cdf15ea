// Local folders (like Thunderbird's "Local Folders"): folders of an account that live only in
// Maildock's store, never on its server. Their paths sit under one root of their own, so one
// never takes the path of a server folder of the same name (a store keys folders by account
// and path), and a list that shows paths tells them apart; `Mailbox.local` marks them.

/** The first level of every local folder's path; not itself a folder. */
export const LOCAL_ROOT = 'Local Folders';
/** Local folders nest with "/", whatever the account's server uses. */
export const LOCAL_DELIMITER = '/';

/** The path of a local folder named `name` under a local folder's path (null: at the root). */
export function localPath(parent: string | null, name: string): string {
  return `${parent ?? LOCAL_ROOT}${LOCAL_DELIMITER}${name}`;
}

/** A local folder's path without the root ("Local Folders/Old/2019" → "Old/2019"). */
export function localName(path: string): string {
  const prefix = `${LOCAL_ROOT}${LOCAL_DELIMITER}`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}
