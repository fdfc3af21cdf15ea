// What a message's List-Unsubscribe headers offer, kept with its headers: JSON
// {https, mailto, oneClick}, null for the many messages that name no list. Messages stored
// before this know nothing of it until they are synced again.
import type { Migration } from './migration.js';

export const migration0011: Migration = {
  version: 11,
  name: 'list-unsubscribe',
  up: `ALTER TABLE messages ADD COLUMN unsubscribe TEXT;`,
};
