// Errors of failed operations and of messages that did not leave are kept as data
// ({code, message, fields} in JSON) instead of prose; the prose stored so far becomes the
// message of the code its state implies.
import type { Migration } from './migration.js';

const notData = (column: string) =>
  `${column} IS NOT NULL AND CASE WHEN json_valid(${column}) THEN json_type(${column}) != 'object' ELSE 1 END`;

export const migration0009: Migration = {
  version: 9,
  name: 'errors-as-data',
  up: `
UPDATE operations SET error = json_object('code', 'PROTOCOL_ERROR', 'message', error)
 WHERE ${notData('error')};
UPDATE outbox SET last_error = json_object(
    'code',
    CASE state WHEN 'retrying' THEN 'SEND_FAILED' WHEN 'maybe-sent' THEN 'CONNECTION_LOST'
      ELSE 'SMTP_REJECTED' END,
    'message', last_error)
 WHERE ${notData('last_error')};
`,
};
