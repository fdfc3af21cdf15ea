// The search language, Gmail-like: words and "phrases" ANDed, OR and parentheses, -negation,
// and a closed set of operators: its semantics and the tree a query is read into. The
// hand-written parser (search-parser.ts, parseSearchQuery) keeps the position
// of everything it reads, so every error can say where it is; no user text reaches an index
// except as quoted tokens (the engines' search.ts).
//
// Semantics (what the user gets):
// - `word` matches the word anywhere (subject, sender, To/Cc, body), whole word. Case and
//   diacritics are ignored (`cafe` finds `café`). A word with punctuation inside
//   (`e-mail`, `alice@example.com`) matches its pieces side by side.
// - Prefixes: `word*` matches every word starting with `word`; and the last word of the
//   query as typed (no space after it, not quoted, ending in a letter or digit) is a prefix
//   too, so results follow the typing ("alic" finds Alice). A prefix needs 2 letters or
//   digits: a shorter one (`a*`) matches the whole word, since one letter would match most
//   of the index.
// - `"a phrase"` matches those words next to each other, in that order; never a prefix.
// - `a b` both; `a OR b` either (OR in capitals; `or` is a word). OR binds tighter than the
//   space: `a b OR c` is a AND (b OR c), as in Gmail. Parentheses group: `(a b) OR c`.
// - `-x` excludes messages matching x; x may be a word, a phrase, a group or any operator
//   (`-is:unread` is is:read, `-before:D` is after:D, `-(a OR b)`). Every level needs
//   something to look for: a query, a group or a side of OR made only of exclusions is an
//   error ("everything but" is not a search).
// - `from:X` the sender; `to:X` the To and Cc recipients; `cc:X` the Cc recipients only;
//   `bcc:X` the Bcc recipients, which only your own mail has: mail sent from Maildock (its
//   outbox kept them) and a message stored with its Bcc (HeaderRecord.bcc); `subject:X` the
//   subject; `list:X` the List-Id of mailing-list mail stored with it (HeaderRecord.listId).
//   X may be a "quoted phrase"; each matches like a word or phrase (prefix rules included),
//   in that field only.
// - `filename:X` an attachment whose name contains X (letters A-Z in any case; `*` at its
//   ends is ignored, so `filename:*.pdf` works). `has:attachment`; `has:pdf`, `has:image`,
//   `has:document`, `has:spreadsheet`, `has:presentation`, `has:archive` an attachment of
//   that kind, by its type or its name's extension. Attachments are known from their
//   message's body: a message whose body is not stored yet has none to match.
// - `larger:N` bigger than N bytes, `smaller:N` smaller; N like 5M, 500K, 1.5MB, 2048 (K,
//   M, G are 1024-based). The size is the whole message as the server gives it.
// - `in:X` the folder whose path is X (case-insensitive), or whose role is X when X is one
//   of inbox, sent, drafts, trash, archive, junk. A folder that does not exist matches nothing.
// - `is:unread`, `is:read`, `is:flagged` (alias `is:starred`), `is:answered`.
// - `after:YYYY-MM-DD` from the start of that day, inclusive; `before:YYYY-MM-DD` up to the
//   start of that day, exclusive (Gmail's semantics: `after:2024-03-01 before:2024-03-02` is
//   March 1st). Days are in the local time of the process. `YYYY/MM/DD` works too.
// - Operator names are case-insensitive. `AND`, `NOT` and `NEAR` are plain words.
// - Whitespace, quotes and parentheses separate items; other characters that are not
//   letters or digits separate words, and an item made only of them (`*`, `^`) is ignored.
//   An empty query, or one made only of ignored items, finds nothing.
// - Errors (SEARCH_SYNTAX, with the position): an unknown operator (`foo:bar`; quote it to
//   search the text itself; `Re:` followed by a space and `name://…` are text), an
//   unclosed quote or parenthesis, a stray `)`, an empty group, OR with nothing on one
//   side, a value an operator cannot take (a bad date, size, is: or has: value).
import type { AttachmentKind, FlagName, TextField } from './search-values.js';

export {
  MAILBOX_ROLE_NAMES,
  MIN_PREFIX,
  SEARCH_OPERATORS,
  hasSearchableText,
  parseDay,
  parseSize,
  type AttachmentKind,
  type FlagName,
  type SearchOperator,
  type TextField,
} from './search-values.js';

/** Words matched through the full-text index, as one phrase of their tokens. */
export interface TextTerm {
  kind: 'text';
  field: TextField;
  /** As typed, without the quotes or a trailing `*`. */
  text: string;
  quoted: boolean;
  /** Its last token matches any word it starts. */
  prefix: boolean;
  /** 0-based index of the item (its `-` when negated) in the query. */
  position: number;
}

export interface FolderTerm {
  kind: 'folder';
  /** A folder path or a role name, as typed. */
  name: string;
  position: number;
}

/** A negated `is:`/`has:attachment` is its opposite value: `-is:unread` is `seen: true`. */
export interface FlagTerm {
  kind: 'flag';
  flag: FlagName;
  value: boolean;
  position: number;
}

/** after: the day's start and later; before: earlier than the day's start. */
export interface DateTerm {
  kind: 'date';
  bound: 'after' | 'before';
  /** `YYYY-MM-DD` */
  day: string;
  position: number;
}

/** larger: more than `bytes`; smaller: fewer. */
export interface SizeTerm {
  kind: 'size';
  bound: 'larger' | 'smaller';
  bytes: number;
  position: number;
}

export interface AttachmentTerm {
  kind: 'attachment';
  type: AttachmentKind;
  position: number;
}

export interface FilenameTerm {
  kind: 'filename';
  /** What the name must contain, A-Z folded to lower case. */
  text: string;
  position: number;
}

export type SearchLeaf =
  TextTerm | FolderTerm | FlagTerm | DateTerm | SizeTerm | AttachmentTerm | FilenameTerm;

export type SearchNode =
  | SearchLeaf
  | { kind: 'and' | 'or'; items: SearchNode[]; position: number }
  | { kind: 'not'; item: SearchNode; position: number };

export interface SearchQuery {
  /** Null: nothing to look for (an empty query, or only ignored items). */
  root: SearchNode | null;
}

export function isEmptyQuery(q: SearchQuery): boolean {
  return q.root === null;
}

/** The items of a conjunction: the node's own when it is an AND, else the node alone. */
export function conjuncts(node: SearchNode | null): SearchNode[] {
  if (!node) return [];
  return node.kind === 'and' && 'items' in node ? node.items : [node];
}

/** Every leaf under a node. */
export function leaves(node: SearchNode): SearchLeaf[] {
  if ('items' in node) return node.items.flatMap(leaves);
  if (node.kind === 'not') return leaves(node.item);
  return [node];
}
