// Search execution in phases (ARCHITECTURE.md, Store). (1) Candidates: FTS5 walks its
// matches newest first by rowid (message ids sort like dates, so ORDER BY rowid DESC costs
// no sort and a date range is a rowid range), the message filters joined in, LIMIT applied.
// A query without words walks messages by id the same way. (2) Snippets for the survivors.
// The query language and its semantics are in search-query.ts.
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import type { SearchOptions, SearchIndexHit, SearchPage, StatementPlan } from '../types.js';
import { SNIPPET_SOURCE_CHARS, markedSnippet, termTokens } from '../snippet.js';
import {
  CLOSE,
  FLAG_SQL,
  OPEN,
  checkOptions,
  dateIdRange,
  folderFilter,
  localDayStart,
  plainSnippet,
  wantedFlags,
  type FolderRow,
} from '../search-common.js';
import {
  isEmptyQuery,
  parseSearchQuery,
  type SearchQuery,
  type TextField,
  type TextTerm,
} from '../search-query.js';

const SNIPPET_TOKENS = 16;
const MARKERS = `char(${OPEN.charCodeAt(0)}), char(${CLOSE.charCodeAt(0)}), '…', ${SNIPPET_TOKENS}`;
const BODY_COLUMN = 3;

const COLUMNS: Record<TextField, string | null> = {
  any: null,
  subject: 'subject',
  sender: 'sender',
  recipients: 'recipients',
};

interface Step {
  sql: string;
  params: Record<string, string | number | bigint>;
}

interface Plan {
  /** Each yields candidates newest first; several (one per folder) are merged. */
  steps: Step[];
  /** Words to highlight in snippets (free text only, not from:/to:/subject:); null: none. */
  snippetMatch: string | null;
  /** The same words as folded tokens, for the snippet made from the body's start. */
  snippetTerms: string[][];
}

interface CandidateRow {
  id: number;
  snippet?: string;
}

/** A term as an FTS5 string: only the tokenizer, never the query syntax, sees the user's text. */
export function ftsString(text: string): string {
  let clean = '';
  // A NUL ends an FTS5 string early ("unterminated string"): control characters become spaces.
  for (const ch of text) clean += ch < ' ' || ch === '\u007f' ? ' ' : ch;
  return `"${clean.replaceAll('"', '""')}"`;
}

function ftsTerm(t: TextTerm): string {
  const column = COLUMNS[t.field];
  return column ? `{${column}} : ${ftsString(t.text)}` : ftsString(t.text);
}

export { localDayStart, plainSnippet };

export class SearchIndex {
  private readonly planned = new Map<string, Database.Statement>();
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      mailboxes: db.prepare('SELECT id, path, role FROM mailboxes'),
      bodySnippet: db
        .prepare(
          `SELECT snippet(message_fts, ${BODY_COLUMN}, ${MARKERS}) FROM message_fts
            WHERE message_fts MATCH @match AND message_fts.rowid = @id`,
        )
        .pluck(),
      bestSnippet: db
        .prepare(
          `SELECT snippet(message_fts, -1, ${MARKERS}) FROM message_fts
            WHERE message_fts MATCH @match AND message_fts.rowid = @id`,
        )
        .pluck(),
      messageSnippet: db.prepare('SELECT snippet FROM messages WHERE id = @id').pluck(),
      bodyStart: db
        // The text the index holds (message_fts_content), so the snippet shows what matched.
        .prepare(
          `SELECT substr(coalesce(search_text, text), 1, ${SNIPPET_SOURCE_CHARS}) FROM bodies WHERE message_id = ?`,
        )
        .pluck(),
    };
  }

  /** Runs a query of the search language (search-query.ts), newest first. */
  search(query: string, opts: SearchOptions): SearchPage {
    checkOptions(opts);
    const plan = this.plan(parseSearchQuery(query), opts);
    if (!plan) return { hits: [], nextBefore: null };
    let rows: CandidateRow[] = [];
    for (const step of plan.steps)
      rows.push(...(this.statement(step.sql).all(step.params) as CandidateRow[]));
    if (plan.steps.length > 1) rows.sort((a, b) => b.id - a.id);
    rows = rows.slice(0, opts.limit);
    const hits = rows.map((r) => this.hit(r, plan));
    const last = hits.at(-1);
    return { hits, nextBefore: last && hits.length === opts.limit ? last.id : null };
  }

  /** EXPLAIN QUERY PLAN of every statement `search` would run for this query. */
  explain(query: string, opts: SearchOptions): StatementPlan[] {
    checkOptions(opts);
    const plan = this.plan(parseSearchQuery(query), opts);
    if (!plan) return [];
    const explain = (sql: string, params: Step['params']): StatementPlan => ({
      sql,
      plan: (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map(
        (r) => r.detail,
      ),
    });
    const out = plan.steps.map((s) => explain(s.sql, s.params));
    if (plan.snippetMatch) {
      for (const st of [this.statements.bodySnippet, this.statements.bestSnippet])
        out.push(explain(st.source, { match: plan.snippetMatch, id: 0n }));
    } else {
      out.push(explain(this.statements.messageSnippet.source, { id: 0 }));
    }
    return out;
  }

  private statement(sql: string): Database.Statement {
    let st = this.planned.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.planned.set(sql, st);
    }
    return st;
  }

  private hit(row: CandidateRow, plan: Plan): SearchIndexHit {
    const snippetMatch = plan.snippetMatch;
    if (snippetMatch !== null) {
      // The body around the match reads best: first from the start of the body (cheap), then
      // through FTS5 for a match further in; a match only in the subject or an address shows
      // that field instead.
      const start = this.statements.bodyStart.get(row.id) as string | null | undefined;
      const marked = start ? markedSnippet(start, plan.snippetTerms, OPEN, CLOSE) : null;
      if (marked !== null) {
        const plain = plainSnippet(marked);
        if (plain.highlights.length > 0) return { id: row.id, ...plain };
      }
      for (const st of [this.statements.bodySnippet, this.statements.bestSnippet]) {
        const marked = st.get({ match: snippetMatch, id: BigInt(row.id) }) as
          string | null | undefined;
        const plain = plainSnippet(marked ?? '');
        if (plain.highlights.length > 0) return { id: row.id, ...plain };
      }
    }
    const snippet =
      row.snippet ??
      (this.statements.messageSnippet.get({ id: row.id }) as string | undefined) ??
      '';
    return { id: row.id, snippet, highlights: [] };
  }

  /** The statements that find the candidates; null when nothing can match. */
  private plan(q: SearchQuery, opts: SearchOptions): Plan | null {
    if (isEmptyQuery(q)) return null;
    const where: string[] = [];
    const params: Step['params'] = { limit: opts.limit };

    // Dates bound the id range; m.date keeps the bound exact where an id was clamped.
    const { lo, hi } = dateIdRange(q, opts.before);
    if (q.after !== null) {
      where.push('m.date >= @afterMs');
      params.afterMs = localDayStart(q.after);
    }
    if (q.before !== null) {
      where.push('m.date < @beforeMs');
      params.beforeMs = localDayStart(q.before);
    }
    if (lo >= hi) return null;
    // BigInt binds as INTEGER: better-sqlite3 binds a JS number as REAL, and FTS5 ignores a
    // rowid bound that is not an INTEGER (a range then walks from the newest match, an
    // equality matches any row).
    params.lo = BigInt(lo);
    params.hi = BigInt(hi);

    const wanted = wantedFlags(q);
    if (!wanted) return null;
    for (const [flag, value] of wanted) where.push(FLAG_SQL[flag][value ? 0 : 1]);

    const folders = this.folders(q);
    if (folders.include?.length === 0) return null;
    if (!folders.include && folders.exclude.length > 0) {
      where.push('m.mailbox_id NOT IN (SELECT value FROM json_each(@exclude))');
      params.exclude = JSON.stringify(folders.exclude);
    }

    const positive = q.terms.filter((t) => !t.negated);
    const negative = q.terms.filter((t) => t.negated);
    const free = positive.filter((t) => t.field === 'any');
    const snippetMatch = free.length > 0 ? free.map(ftsTerm).join(' AND ') : null;
    const snippetTerms = free.map((t) => termTokens(t.text));
    const negMatch = negative.length > 0 ? negative.map(ftsTerm).join(' OR ') : null;

    if (positive.length > 0) {
      const pos = positive.map(ftsTerm).join(' AND ');
      params.match = negMatch ? `(${pos}) NOT (${negMatch})` : pos;
      if (folders.include) {
        where.push('m.mailbox_id IN (SELECT value FROM json_each(@include))');
        params.include = JSON.stringify(folders.include);
      }
      // CROSS JOIN fixes the loop order: the FTS5 walk outside, each match's row looked up
      // by primary key, so the rowid order is the output order and LIMIT stops the walk.
      const join = where.length > 0 ? ' CROSS JOIN messages m ON m.id = message_fts.rowid' : '';
      const sql =
        `SELECT message_fts.rowid AS id FROM message_fts${join}
          WHERE message_fts MATCH @match AND message_fts.rowid < @hi AND message_fts.rowid >= @lo` +
        where.map((w) => ` AND ${w}`).join('') +
        ' ORDER BY message_fts.rowid DESC LIMIT @limit';
      return { steps: [{ sql, params }], snippetMatch, snippetTerms };
    }

    if (negMatch) {
      where.push(
        'NOT EXISTS (SELECT 1 FROM message_fts WHERE message_fts MATCH @neg AND message_fts.rowid = m.id)',
      );
      params.neg = negMatch;
    }
    const tail = where.map((w) => ` AND ${w}`).join('') + ' ORDER BY m.id DESC LIMIT @limit';
    if (!folders.include) {
      return {
        steps: [
          {
            sql: `SELECT m.id, m.snippet FROM messages m WHERE m.id < @hi AND m.id >= @lo${tail}`,
            params,
          },
        ],
        snippetMatch: null,
        snippetTerms: [],
      };
    }
    // One walk of the (mailbox_id, id) index per folder, merged: an IN list there would sort.
    const sql = `SELECT m.id, m.snippet FROM messages m WHERE m.mailbox_id = @mailbox AND m.id < @hi AND m.id >= @lo${tail}`;
    return {
      steps: folders.include.map((mailbox) => ({ sql, params: { ...params, mailbox } })),
      snippetMatch: null,
      snippetTerms: [],
    };
  }

  /** in: terms as mailbox ids: include is null when no positive in: was given. */
  private folders(q: SearchQuery): { include: number[] | null; exclude: number[] } {
    if (q.mailboxes.length === 0) return { include: null, exclude: [] };
    return folderFilter(q, this.statements.mailboxes.all() as FolderRow[]);
  }
}
