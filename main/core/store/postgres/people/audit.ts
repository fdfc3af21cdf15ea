import type { AuditEntry, AuditRepository } from '../../people.js';
import type { Db } from '../db.js';

interface AuditRow {
  id: number;
  at: Date;
  tenant_id: number | null;
  user_id: number | null;
  actor: string;
  action: string;
  ip: string | null;
  detail: Record<string, unknown>;
}

export class AuditRepo implements AuditRepository {
  constructor(private readonly db: Db) {}

  async record(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<void> {
    await this.db.run(
      `INSERT INTO audit_log (tenant_id, user_id, actor, action, ip, detail)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        entry.tenantId,
        entry.userId,
        entry.actor,
        entry.action,
        entry.ip,
        JSON.stringify(entry.detail),
      ],
    );
  }

  async list(query: { tenantId?: number; since?: Date; limit?: number }): Promise<AuditEntry[]> {
    const rows = await this.db.rows<AuditRow>(
      `SELECT id, at, tenant_id, user_id, actor, action, ip, detail FROM audit_log
        WHERE ($1::bigint IS NULL OR tenant_id = $1) AND ($2::timestamptz IS NULL OR at >= $2)
        ORDER BY id DESC LIMIT $3`,
      [query.tenantId ?? null, query.since?.toISOString() ?? null, query.limit ?? 1000],
    );
    return rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      tenantId: r.tenant_id,
      userId: r.user_id,
      actor: r.actor,
      action: r.action,
      ip: r.ip,
      detail: r.detail,
    }));
  }
}
