// What a socket's error code says of the server at the other end, in the one list every
// connection of Maildock reads (IMAP, SMTP, Postgres, a one-click link).

/** The server could not be reached at all: no such name, no route, or nothing listening. */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);
