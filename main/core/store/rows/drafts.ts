// A draft's row as both engines return it, and the record the store hands out.
import type { DraftRecord } from '../types.js';

export interface DraftRow {
  id: number;
  account_id: number;
  message_id: string;
  compose: string;
  subject: string;
  raw: Buffer;
  version: number;
  synced_version: number;
  server_path: string | null;
  server_uid: number | null;
  deleted: number;
  updated_at: number;
}

export function toDraft(r: DraftRow): DraftRecord {
  const compose = JSON.parse(r.compose) as { to?: string[] };
  return {
    id: r.id,
    accountId: r.account_id,
    messageId: r.message_id,
    compose,
    subject: r.subject,
    to: compose.to ?? [],
    raw: r.raw,
    version: r.version,
    syncedVersion: r.synced_version,
    serverPath: r.server_path,
    serverUid: r.server_uid,
    deleted: r.deleted === 1,
    updatedAt: r.updated_at,
  };
}
