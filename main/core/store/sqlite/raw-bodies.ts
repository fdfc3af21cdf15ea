// A message's bytes as kept beside its parsed body: the whole message for one of a local
// folder (the only copy there is, read back for export and view source), else at most the
// start of one the parser could not read.
import type { Db } from './db.js';

export class RawBodies {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      raw: db.prepare('SELECT raw FROM bodies WHERE message_id = ?').pluck(),
      setRaw: db.prepare('UPDATE bodies SET raw = ? WHERE message_id = ?'),
    };
  }

  raw(id: number): Buffer | null {
    return (this.statements.raw.get(id) as Buffer | null | undefined) ?? null;
  }

  setRaw(id: number, raw: Buffer | null): boolean {
    return this.statements.setRaw.run(raw, id).changes > 0;
  }
}
