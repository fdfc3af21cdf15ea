// Search execution in phases (ARCHITECTURE.md, Store). (1) Candidates: FTS5 walks the
// matches of the query's words newest first by rowid (message ids sort like dates, so ORDER
// BY rowid DESC costs no sort and a date range is a rowid range), the message conditions
// joined in, LIMIT applied. A query without words at its top level walks messages by id the
// same way. (2) Snippets for the survivors. (3) When asked, a count of the matches up to
// SEARCH_COUNT_LIMIT, by the same walk without the order. The query language and its
// semantics are in search-query.ts; the conditions below its top level in search-sql.ts.
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import type { SearchOptions, SearchIndexHit, SearchPage, StatementPlan } from '../types.js';
import { SNIPPET_SOURCE_CHARS, markedSnippet, snippetTerm } from '../snippet.js';
import {
  CLOSE,
  FLAG_SQL,
  OPEN,
  SEARCH_COUNT_LIMIT,
  checkOptions,
  dateIdRange,
  fieldSnippet,
  folderFilter,
  foldersNamed,
  localDayStart,
  plainSnippet,
  wantedFlags,
  type FieldsRow,
  type FolderRow,
} from '../search-common.js';
import { parseSearchQuery } from '../search-parser.js';
import type { SearchQuery } from '../search-query.js';
import {
  condition,
  highlightTerms,
  namesFolders,
  splitTop,
  type BindValue,
  type Dialect,
} from '../search-sql.js';
import { andNot, ftsExpression, ftsString, ftsTerm, type PrefixWords } from './fts-query.js';

const SNIPPET_TOKENS = 16;
const MARKERS = `char(${OPEN.charCodeAt(0)}), char(${CLOSE.charCodeAt(0)}), '…', ${SNIPPET_TOKENS}`;
const BODY_COLUMN = 3;
/** More words than this with one prefix: FTS5's own prefix query (see fts-query.ts). */
const MAX_PREFIX_WORDS = 64;

type Params = Record<string, string | number | bigint>;

interface Step {
  /** The candidates, newest first, LIMIT @limit. */
  sql: string;
  /** How many there are, up to @cap. */
  countSql: string;
  params: Params;
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

export { ftsString, localDayStart, plainSnippet };

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
      messageSnippet: db.prepare('SELECT snippet FROM messages WHERE id = @id').pluck(),
      prefixWords: db
        .prepare(
          `SELECT term FROM message_fts_words WHERE term >= ? AND term < ? LIMIT ${MAX_PREFIX_WORDS + 1}`,
        )
        .pluck(),
      // The text the index holds (message_fts_content), so the snippet shows what matched;
      // its size in bytes, which SQLite knows without reading it.
      bodyStart: db.prepare(
        `SELECT substr(coalesce(search_text, text), 1, ${SNIPPET_SOURCE_CHARS}) AS start,
                CASE WHEN search_text IS NOT NULL THEN octet_length(search_text)
                     ELSE octet_length(text) END AS bytes
           FROM bodies WHERE message_id = ?`,
      ),
      fields: db.prepare('SELECT id, subject, sender, recipients FROM messages WHERE id = ?'),
    };
  }

  /** Runs a query of the search language (search-query.ts), newest first. */
  search(query: string, opts: SearchOptions): SearchPage {
    checkOptions(opts);
    const q = parseSearchQuery(query);
    const plan = this.plan(q, opts.before, opts.limit);
    let rows: CandidateRow[] = [];
    for (const step of plan?.steps ?? [])
      rows.push(...(this.statement(step.sql).all(step.params) as CandidateRow[]));
    if ((plan?.steps.length ?? 0) > 1) rows.sort((a, b) => b.id - a.id);
    rows = rows.slice(0, opts.limit);
    const hits = plan ? rows.map((r) => this.hit(r, plan)) : [];
    const last = hits.at(-1);
    return {
      hits,
      nextBefore: last && hits.length === opts.limit ? last.id : null,
      total: opts.count
        ? this.count(opts.before === undefined ? plan : this.plan(q, undefined, 1))
        : null,
    };
  }

  /** EXPLAIN QUERY PLAN of every statement `search` would run for this query. */
  explain(query: string, opts: SearchOptions): StatementPlan[] {
    checkOptions(opts);
    const plan = this.plan(parseSearchQuery(query), opts.before, opts.limit);
    if (!plan) return [];
    const explain = (sql: string, params: Params): StatementPlan => ({
      sql,
      plan: (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map(
        (r) => r.detail,
      ),
    });
    const out = plan.steps.map((s) => explain(s.sql, s.params));
    if (opts.count)
      out.push(...plan.steps.map((s) => explain(s.countSql, { ...s.params, cap: 1 })));
    if (plan.snippetMatch) {
      out.push(explain(this.statements.bodySnippet.source, { match: plan.snippetMatch, id: 0n }));
    } else {
      out.push(explain(this.statements.messageSnippet.source, { id: 0 }));
    }
    return out;
  }

  /** The matches up to the limit; the folders' walks are disjoint, so their counts add up. */
  private count(plan: Plan | null): { count: number; more: boolean } {
    let n = 0;
    for (const step of plan?.steps ?? []) {
      const cap = SEARCH_COUNT_LIMIT + 1 - n;
      if (cap <= 0) break;
      n += this.statement(step.countSql)
        .pluck()
        .get({ ...step.params, cap }) as number;
    }
    return { count: Math.min(n, SEARCH_COUNT_LIMIT), more: n > SEARCH_COUNT_LIMIT };
  }

  /** The index's words with this prefix (folded, as the index holds them). */
  private readonly prefixWords: PrefixWords = (prefix) => {
    const last = prefix.codePointAt(prefix.length - 1)!;
    const end =
      prefix.slice(0, -String.fromCodePoint(last).length) + String.fromCodePoint(last + 1);
    const found = this.statements.prefixWords.all(prefix, end) as string[];
    return found.length > MAX_PREFIX_WORDS ? null : found;
  };

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
      // through FTS5 for a match further into a long body; a match only in the subject or an
      // address shows that field instead, as Postgres's search does (search-common.ts).
      const body = this.statements.bodyStart.get(row.id) as
        { start: string | null; bytes: number | null } | undefined;
      const marked = body?.start ? markedSnippet(body.start, plan.snippetTerms, OPEN, CLOSE) : null;
      if (marked !== null) {
        const plain = plainSnippet(marked);
        if (plain.highlights.length > 0) return { id: row.id, ...plain };
      }
      if ((body?.bytes ?? 0) > SNIPPET_SOURCE_CHARS) {
        const deep = this.statements.bodySnippet.get({
          match: snippetMatch,
          id: BigInt(row.id),
        }) as string | null | undefined;
        const plain = plainSnippet(deep ?? '');
        if (plain.highlights.length > 0) return { id: row.id, ...plain };
      }
      const fields = this.statements.fields.get(row.id) as FieldsRow | undefined;
      const shown = fields ? fieldSnippet(fields, plan.snippetTerms) : null;
      if (shown) return shown;
    }
    const snippet =
      row.snippet ??
      (this.statements.messageSnippet.get({ id: row.id }) as string | undefined) ??
      '';
    return { id: row.id, snippet, highlights: [] };
  }

  /** The statements that find the candidates; null when nothing can match. */
  private plan(q: SearchQuery, before: number | undefined, limit: number): Plan | null {
    if (!q.root) return null;
    const top = splitTop(q.root);
    const where: string[] = [];
    const params: Params = { limit };
    let bound = 0;
    const bind = (value: BindValue): string => {
      const key = `p${++bound}`;
      params[key] = typeof value === 'object' ? JSON.stringify(value) : value;
      return `@${key}`;
    };
    const rows = namesFolders(q.root) ? (this.statements.mailboxes.all() as FolderRow[]) : [];
    const dialect: Dialect = {
      bind,
      match: (node) => {
        const e = ftsExpression(node, this.prefixWords);
        return e === null
          ? null
          : `m.id IN (SELECT rowid FROM message_fts WHERE message_fts MATCH ${bind(e)})`;
      },
      foldAscii: (column) => `lower(${column})`,
      contains: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
      inFolders: (ids) => `m.mailbox_id IN (SELECT value FROM json_each(${bind(ids)}))`,
    };

    // Dates bound the id range; m.date keeps the bound exact where an id was clamped.
    const { lo, hi } = dateIdRange(top, before);
    if (top.after !== null) where.push(`m.date >= ${bind(localDayStart(top.after))}`);
    if (top.before !== null) where.push(`m.date < ${bind(localDayStart(top.before))}`);
    if (lo >= hi) return null;
    // BigInt binds as INTEGER: better-sqlite3 binds a JS number as REAL, and FTS5 ignores a
    // rowid bound that is not an INTEGER (a range then walks from the newest match, an
    // equality matches any row).
    params.lo = BigInt(lo);
    params.hi = BigInt(hi);

    const wanted = wantedFlags(top.flags);
    if (!wanted) return null;
    for (const [flag, value] of wanted) where.push(FLAG_SQL[flag][value ? 0 : 1]);

    const folders = top.folders.length
      ? folderFilter(top.folders, rows)
      : { include: null, exclude: [] };
    if (folders.include?.length === 0) return null;
    if (!folders.include && folders.exclude.length > 0)
      where.push(`m.mailbox_id NOT IN (SELECT value FROM json_each(${bind(folders.exclude)}))`);

    const positive = top.text.map((n) => ftsExpression(n, this.prefixWords));
    const negative = top.notText.map((n) => ftsExpression(n, this.prefixWords));
    // The parser makes every node of words one FTS5 can say; any other is a condition.
    const conditions = [
      ...top.text.filter((_, n) => positive[n] === null),
      ...top.notText
        .filter((_, n) => negative[n] === null)
        .map((item) => ({ kind: 'not' as const, item, position: item.position })),
      ...top.rest,
    ];
    for (const c of conditions)
      where.push(condition(c, dialect, (name) => foldersNamed(name, rows)));
    const pos = positive.filter((e) => e !== null);
    const neg = negative.filter((e) => e !== null);
    const free = highlightTerms(q.root);
    const snippet = {
      snippetMatch: free.length
        ? free.map((t) => `(${ftsTerm(t, this.prefixWords)})`).join(' OR ')
        : null,
      snippetTerms: free.map((t) => snippetTerm(t.text, t.prefix)),
    };

    if (pos.length > 0) {
      params.match = andNot(pos, neg);
      if (folders.include) where.push(dialect.inFolders(folders.include));
      // CROSS JOIN fixes the loop order: the FTS5 walk outside, each match's row looked up
      // by primary key, so the rowid order is the output order and LIMIT stops the walk.
      const join = where.length > 0 ? ' CROSS JOIN messages m ON m.id = message_fts.rowid' : '';
      const from = `message_fts${join}
          WHERE message_fts MATCH @match AND message_fts.rowid < @hi AND message_fts.rowid >= @lo${where.map((w) => ` AND ${w}`).join('')}`;
      const steps = [step('message_fts.rowid AS id', from, 'message_fts.rowid', params)];
      return { steps, ...snippet };
    }

    if (neg.length) {
      // The matches are listed once (SQLite keeps them in an ephemeral index): matching each
      // row walked against the index costs a seek per word, and a prefix's words are many.
      where.push(
        `m.id NOT IN (SELECT rowid FROM message_fts WHERE message_fts MATCH ${bind(neg.map((e) => `(${e})`).join(' OR '))})`,
      );
    }
    const tail = where.map((w) => ` AND ${w}`).join('');
    if (!folders.include) {
      const from = `messages m WHERE m.id < @hi AND m.id >= @lo${tail}`;
      return { steps: [step('m.id, m.snippet', from, 'm.id', params)], ...snippet };
    }
    // One walk of the (mailbox_id, id) index per folder, merged: an IN list there would sort.
    const from = `messages m WHERE m.mailbox_id = @mailbox AND m.id < @hi AND m.id >= @lo${tail}`;
    return {
      steps: folders.include.map((mailbox) =>
        step('m.id, m.snippet', from, 'm.id', { ...params, mailbox }),
      ),
      ...snippet,
    };
  }
}

function step(columns: string, from: string, order: string, params: Params): Step {
  return {
    sql: `SELECT ${columns} FROM ${from} ORDER BY ${order} DESC LIMIT @limit`,
    countSql: `SELECT count(*) FROM (SELECT 1 FROM ${from} LIMIT @cap)`,
    params,
  };
}
