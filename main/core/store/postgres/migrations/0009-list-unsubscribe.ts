// What a message's List-Unsubscribe headers offer, kept with its headers: JSON
// {https, mailto, oneClick}, null for the many messages that name no list. A nullable column
// without a default is added without rewriting the table.
import type { Migration } from './migration.js';

export const migration0009: Migration = {
  version: 9,
  name: 'list-unsubscribe',
  up: `ALTER TABLE messages ADD COLUMN unsubscribe text;`,
};
