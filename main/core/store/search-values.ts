// The closed sets of the search language (search-query.ts): its operators, the values of
// is: and has:, and how a day and a size are written. Pure tables and checks, no parsing
// state, so both the parser and the engines read the same names.

/** Shorter prefixes match as whole words (search-query.ts). */
export const MIN_PREFIX = 2;

/** True when the text holds a character FTS5's unicode61 tokenizer keeps (its default categories L*, N*, Co). */
export function hasSearchableText(text: string): boolean {
  return /[\p{L}\p{N}\p{Co}]/u.test(text);
}

export const SEARCH_OPERATORS = [
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'list',
  'filename',
  'in',
  'has',
  'is',
  'before',
  'after',
  'larger',
  'smaller',
] as const;
export type SearchOperator = (typeof SEARCH_OPERATORS)[number];

/** Every text field a word can be looked for in; `any` is the message's usual text. */
export type TextField = 'any' | 'subject' | 'sender' | 'recipients' | 'cc' | 'bcc' | 'list';

export const TEXT_OPERATORS: Partial<Record<SearchOperator, TextField>> = {
  from: 'sender',
  to: 'recipients',
  cc: 'cc',
  bcc: 'bcc',
  subject: 'subject',
  list: 'list',
};

/** `in:` values that name a mailbox role rather than a path. */
export const MAILBOX_ROLE_NAMES = ['inbox', 'sent', 'drafts', 'trash', 'archive', 'junk'] as const;

export type FlagName = 'seen' | 'flagged' | 'answered' | 'attachment';

export const IS_VALUES = new Map<string, { flag: FlagName; value: boolean }>([
  ['unread', { flag: 'seen', value: false }],
  ['read', { flag: 'seen', value: true }],
  ['flagged', { flag: 'flagged', value: true }],
  ['starred', { flag: 'flagged', value: true }],
  ['answered', { flag: 'answered', value: true }],
]);

export type AttachmentKind =
  'pdf' | 'image' | 'document' | 'spreadsheet' | 'presentation' | 'archive';

/**
 * What makes an attachment of each kind: its Content-Type, or its name's extension (mail
 * often sends every file as application/octet-stream). `typePrefix` matches a family.
 */
export const ATTACHMENT_KINDS: Record<
  AttachmentKind,
  { types: readonly string[]; typePrefix?: string; extensions: readonly string[] }
> = {
  pdf: { types: ['application/pdf', 'application/x-pdf'], extensions: ['pdf'] },
  image: {
    types: [],
    typePrefix: 'image/',
    extensions: ['jpg', 'jpeg', 'png', 'gif', 'webp', 'heic', 'heif', 'bmp', 'tif', 'tiff', 'svg'],
  },
  document: {
    types: [
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.oasis.opendocument.text',
      'application/rtf',
      'text/rtf',
      'application/vnd.apple.pages',
    ],
    extensions: ['doc', 'docx', 'odt', 'rtf', 'pages'],
  },
  spreadsheet: {
    types: [
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.oasis.opendocument.spreadsheet',
      'text/csv',
      'application/vnd.apple.numbers',
    ],
    extensions: ['xls', 'xlsx', 'ods', 'csv', 'numbers'],
  },
  presentation: {
    types: [
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      'application/vnd.oasis.opendocument.presentation',
      'application/vnd.apple.keynote',
    ],
    extensions: ['ppt', 'pptx', 'odp', 'key'],
  },
  archive: {
    types: [
      'application/zip',
      'application/x-zip-compressed',
      'application/x-7z-compressed',
      'application/x-rar-compressed',
      'application/vnd.rar',
      'application/gzip',
      'application/x-gzip',
      'application/x-tar',
      'application/x-bzip2',
    ],
    extensions: ['zip', '7z', 'rar', 'gz', 'tgz', 'tar', 'bz2', 'xz'],
  },
};

/** has: values; `attachment` is any attachment, the others its kind. */
export const HAS_VALUES = new Map<string, AttachmentKind | 'attachment'>([
  ['attachment', 'attachment'],
  ['attachments', 'attachment'],
  ['pdf', 'pdf'],
  ['image', 'image'],
  ['images', 'image'],
  ['document', 'document'],
  ['documents', 'document'],
  ['spreadsheet', 'spreadsheet'],
  ['spreadsheets', 'spreadsheet'],
  ['presentation', 'presentation'],
  ['presentations', 'presentation'],
  ['archive', 'archive'],
  ['archives', 'archive'],
]);

export const EXAMPLES: Record<SearchOperator, string> = {
  from: 'from:alice@example.com',
  to: 'to:bob',
  cc: 'cc:carol',
  bcc: 'bcc:dave',
  subject: 'subject:"quarterly report"',
  list: 'list:dev.lists.example.org',
  filename: 'filename:report.pdf',
  in: 'in:inbox',
  has: 'has:attachment or has:pdf',
  is: 'is:unread',
  before: 'before:2024-03-01',
  after: 'after:2024-03-01',
  larger: 'larger:5M',
  smaller: 'smaller:500K',
};

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (const ch of s) if (ch < '0' || ch > '9') return false;
  return true;
}

/** `YYYY-MM-DD` or `YYYY/MM/DD`, a day that exists, as `YYYY-MM-DD`; null otherwise. */
export function parseDay(value: string): string | null {
  if (value.length !== 10) return null;
  const sep = value[4];
  if ((sep !== '-' && sep !== '/') || value[7] !== sep) return null;
  const ys = value.slice(0, 4);
  const ms = value.slice(5, 7);
  const ds = value.slice(8, 10);
  if (!isDigits(ys) || !isDigits(ms) || !isDigits(ds)) return null;
  const y = Number(ys);
  const m = Number(ms);
  const d = Number(ds);
  if (y < 1000 || m < 1 || m > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
  if (d > days) return null;
  return `${ys}-${ms}-${ds}`;
}

const SIZE_UNITS = new Map<string, number>([
  ['', 1],
  ['b', 1],
  ['k', 1024],
  ['kb', 1024],
  ['m', 1024 ** 2],
  ['mb', 1024 ** 2],
  ['g', 1024 ** 3],
  ['gb', 1024 ** 3],
]);
/** Past any message a server takes (and a safe integer either way). */
const MAX_SIZE = 1024 ** 4;

/**
 * A size as written after larger:/smaller: (`5M`, `500K`, `1.5MB`, `2048`: units of 1024,
 * case-insensitive), in bytes; null when it is not one.
 */
export function parseSize(value: string): number | null {
  const m = /^(\d{1,13}(?:\.\d{1,6})?)([a-z]{0,2})$/i.exec(value);
  if (!m) return null;
  const unit = SIZE_UNITS.get(m[2]!.toLowerCase());
  if (unit === undefined) return null;
  const bytes = Math.round(Number(m[1]) * unit);
  return bytes <= MAX_SIZE ? bytes : null;
}
