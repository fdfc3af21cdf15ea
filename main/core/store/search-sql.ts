// What a query (search-query.ts) asks of a message, as SQL conditions over `messages m`, the
// same for both engines but for what each says its own way (a Dialect): how values are
// bound, how words are matched through its full-text index, how a name is folded. The
// engines plan the top level of a query themselves (their index walks the candidates);
// everything below it, and whatever the top level holds that their plan does not take, is
// compiled here.
import {
  conjuncts,
  leaves,
  type FlagTerm,
  type SearchNode,
  type TextTerm,
} from './search-query.js';
import { ATTACHMENT_KINDS, type AttachmentKind } from './search-values.js';
import { FLAG_SQL, localDayStart, type DayBounds } from './search-common.js';

export type BindValue = string | number | bigint | readonly number[];

export interface Dialect {
  /** A placeholder for a value bound with the statement. */
  bind(value: BindValue): string;
  /** One condition matching a node of words only through the index; null: split it. */
  match(node: SearchNode): string | null;
  /** A text column with the letters A-Z in lower case, nothing else folded. */
  foldAscii(column: string): string;
  /** Whether the text `haystack` holds the text `needle` (both SQL). */
  contains(haystack: string, needle: string): string;
  /** m.mailbox_id is one of these. */
  inFolders(ids: readonly number[]): string;
}

/** True when every leaf under the node is words (text terms). */
export function isTextOnly(node: SearchNode): boolean {
  return leaves(node).every((l) => l.kind === 'text');
}

/** Whether any `in:` is anywhere in the query: the folders must be read to plan it. */
export function namesFolders(root: SearchNode): boolean {
  return leaves(root).some((l) => l.kind === 'folder');
}

/** The top level of a query (its ANDed items), split into what the engines plan their own way. */
export interface TopLevel extends DayBounds {
  /** Items of words only. */
  text: SearchNode[];
  /** Items of words only under a `-` (the node it negates). */
  notText: SearchNode[];
  flags: FlagTerm[];
  /** in: items, each of one folder or an OR of several (`names`), or none of them (`negated`). */
  folders: { names: string[]; negated: boolean }[];
  /** Everything else: a condition each, from `condition`. */
  rest: SearchNode[];
}

export function splitTop(root: SearchNode): TopLevel {
  const top: TopLevel = {
    text: [],
    notText: [],
    flags: [],
    folders: [],
    rest: [],
    after: null,
    before: null,
  };
  for (const item of conjuncts(root)) {
    if (item.kind === 'date') {
      if (item.bound === 'after') {
        if (top.after === null || item.day > top.after) top.after = item.day;
      } else if (top.before === null || item.day < top.before) top.before = item.day;
    } else if (item.kind === 'flag') top.flags.push(item);
    else if (folderNames(item)) top.folders.push({ names: folderNames(item)!, negated: false });
    else if (item.kind === 'not' && folderNames(item.item))
      top.folders.push({ names: folderNames(item.item)!, negated: true });
    else if (item.kind === 'not') {
      if (isTextOnly(item.item)) top.notText.push(item.item);
      else top.rest.push(item);
    } else if (isTextOnly(item)) top.text.push(item);
    else top.rest.push(item);
  }
  return top;
}

/**
 * The folders of an in: or an OR of in:s only: the engines walk each folder's index rather
 * than sort what a condition over several would give.
 */
function folderNames(node: SearchNode): string[] | null {
  if (node.kind === 'folder') return [node.name];
  if (node.kind !== 'or') return null;
  const names = node.items.map((i) => (i.kind === 'folder' ? i.name : null));
  return names.every((n) => n !== null) ? (names as string[]) : null;
}

// Mail often sends every file as application/octet-stream: the name's extension counts too.
// Content types are stored in lower case (mailparser and BODYSTRUCTURE's summary give them so).
function kindCondition(kind: AttachmentKind, d: Dialect): string {
  const { types, typePrefix, extensions } = ATTACHMENT_KINDS[kind];
  const type = 'a.content_type';
  const name = d.foldAscii("coalesce(a.filename, '')");
  const parts = [
    ...(types.length ? [`${type} IN (${types.map((t) => `'${t}'`).join(', ')})`] : []),
    ...(typePrefix ? [`${type} LIKE '${typePrefix}%'`] : []),
    ...extensions.map((e) => `${name} LIKE '%.${e}'`),
  ];
  return `(${parts.join(' OR ')})`;
}

/**
 * An attachment of the message (not a part its body shows: `inline`, which mime/part-roles.ts
 * decides alike for parsed messages and BODYSTRUCTURE, so search lists what the reader and the
 * list's paperclip do) meets the condition. The
 * matching attachments are listed once (SQLite keeps the list in an ephemeral index,
 * Postgres hashes it or joins it): tested row by row, each message a walk reached was read
 * whole for its attachment flag, and the test repeated; at 100,000 messages `has:pdf` and
 * a common word took 22 ms (SQLite) and 257 ms (Postgres) at the median that way.
 */
function attachment(condition: string): string {
  return `m.id IN (SELECT a.message_id FROM attachments a WHERE a.inline = 0 AND ${condition})`;
}

/**
 * The condition a message meets when it matches the node. `folders` gives the ids an `in:`
 * names (none: nothing matches it).
 */
export function condition(
  node: SearchNode,
  d: Dialect,
  folders: (name: string) => readonly number[],
): string {
  if (isTextOnly(node)) {
    const match = d.match(node);
    if (match !== null) return match;
  }
  const sub = (n: SearchNode) => condition(n, d, folders);
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.items.map(sub).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `NOT (${sub(node.item)})`;
    case 'text':
      // The dialect found no way it can match (a word longer than any index keeps).
      return '1 = 0';
    case 'flag':
      return FLAG_SQL[node.flag][node.value ? 0 : 1];
    case 'date':
      return node.bound === 'after'
        ? `m.date >= ${d.bind(localDayStart(node.day))}`
        : `m.date < ${d.bind(localDayStart(node.day))}`;
    case 'size':
      return node.bound === 'larger'
        ? `m.size > ${d.bind(node.bytes)}`
        : `m.size < ${d.bind(node.bytes)}`;
    case 'folder': {
      const ids = folders(node.name);
      return ids.length ? d.inFolders(ids) : '1 = 0';
    }
    case 'attachment':
      return attachment(kindCondition(node.type, d));
    case 'filename':
      return attachment(d.contains(d.foldAscii("coalesce(a.filename, '')"), d.bind(node.text)));
  }
}

/** The words a hit's snippet highlights: those of the usual text, not under a `-`. */
export function highlightTerms(node: SearchNode): TextTerm[] {
  if (node.kind === 'not') return [];
  if ('items' in node) return node.items.flatMap(highlightTerms);
  return node.kind === 'text' && node.field === 'any' ? [node] : [];
}
