import type { Owner, Rotation, SessionRecord, SessionRepository } from '../../people.js';
import { prepared, type Db } from '../db.js';

interface SessionRow {
  id: string;
  tenant_id: number;
  user_id: number;
  expires_at: number;
  revoked_at: number | null;
}

const COLUMNS = `s.id, s.tenant_id, s.user_id,
  (extract(epoch FROM s.expires_at) * 1000)::bigint AS expires_at,
  (extract(epoch FROM s.revoked_at) * 1000)::bigint AS revoked_at`;
/** Checked on every request. */
const BY_ID = prepared(`SELECT ${COLUMNS} FROM sessions s WHERE s.id = $1`);

const record = (r: SessionRow): SessionRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

export class SessionRepo implements SessionRepository {
  constructor(private readonly db: Db) {}

  async start(
    input: Owner & { id: string; expiresAt: number; ip: string | null; tokenHash: Buffer },
  ): Promise<void> {
    await this.db.atomic(async (db) => {
      await db.run(
        `INSERT INTO sessions (id, tenant_id, user_id, expires_at, ip)
         VALUES ($1, $2, $3, to_timestamp($4 / 1000.0), $5)`,
        [input.id, input.tenantId, input.userId, input.expiresAt, input.ip],
      );
      await db.run('INSERT INTO refresh_tokens (hash, session_id) VALUES ($1, $2)', [
        input.tokenHash,
        input.id,
      ]);
    });
  }

  rotate(tokenHash: Buffer, nextHash: Buffer, now: number): Promise<Rotation> {
    return this.db.atomic(async (db) => {
      // Both rows locked: a second request with the same token waits here, then finds it spent.
      const row = await db.one<SessionRow & { spent: boolean }>(
        `SELECT ${COLUMNS}, r.spent_at IS NOT NULL AS spent
           FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
          WHERE r.hash = $1 FOR UPDATE OF r, s`,
        [tokenHash],
      );
      if (!row) return { outcome: 'unknown' };
      const session = record(row);
      if (session.revokedAt !== null) return { outcome: 'revoked' };
      if (session.expiresAt <= now) return { outcome: 'expired' };
      if (row.spent) {
        await db.run(
          `UPDATE sessions SET revoked_at = now(), revoked_reason = 'refresh token reused' WHERE id = $1`,
          [session.id],
        );
        return { outcome: 'reused', session: { ...session, revokedAt: now } };
      }
      await db.run('UPDATE refresh_tokens SET spent_at = now() WHERE hash = $1', [tokenHash]);
      await db.run('INSERT INTO refresh_tokens (hash, session_id) VALUES ($1, $2)', [
        nextHash,
        session.id,
      ]);
      return { outcome: 'rotated', session };
    });
  }

  async get(id: string): Promise<SessionRecord | null> {
    const row = await this.db.one<SessionRow>(BY_ID, [id]);
    return row ? record(row) : null;
  }

  async revoke(id: string, reason: string): Promise<boolean> {
    const n = await this.db.run(
      'UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL',
      [id, reason],
    );
    return n > 0;
  }

  revokeUser(userId: number, reason: string): Promise<number> {
    return this.db.run(
      'UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL',
      [userId, reason],
    );
  }
}
