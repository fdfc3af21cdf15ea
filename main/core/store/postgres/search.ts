// Search on Postgres, with the results of SQLite's (sqlite/search.ts) for every query of the
// language (search-query.ts). Words match through `messages.search`, the tsvector the store
// builds as SQLite's tokenizer cuts words (search-vector.ts), with a label per field, and its
// GIN index, which starts with the person (migration 0007); terms of the header fields only
// match through `messages.fields`, the small part of it Postgres keeps for them. The tsquery
// is built here from the same folded tokens, so no user text is ever parsed as tsquery
// syntax. Candidates come newest first by id (ids sort like dates, so a date range is an id
// range and "newest first" is the primary key's order); the planner picks the GIN index for
// rare words and a walk of the primary key, stopped by the limit, for common ones. Snippets
// are made in JavaScript like SQLite's (snippet.ts), not with ts_headline, which re-parses
// the text with Postgres's parser: other words, and no diacritic folding.
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
  type TextTerm,
} from '../search-query.js';
import { SNIPPET_SOURCE_CHARS, markedSnippet, termTokens } from '../snippet.js';
import type { SearchRepository } from '../repositories.js';
import type { SearchIndexHit, SearchOptions, SearchPage, StatementPlan } from '../types.js';
import { prepared, type Db } from './db.js';
import { FIELD_LABELS } from './search-vector.js';

// A longer word is not in the tsvector (search-vector.ts), and a tsquery refuses it.
const MAX_WORD_BYTES = 2_047;

const LABELS: Record<TextTerm['field'], string> = {
  any: '',
  subject: `:${FIELD_LABELS.subject}`,
  sender: `:${FIELD_LABELS.sender}`,
  recipients: `:${FIELD_LABELS.recipients}`,
};

/** The fields a match outside the body is shown from, in FTS5's column order. */
const FIELDS = ['subject', 'sender', 'recipients'] as const;

const SQL = {
  mailboxes: 'SELECT id, path, role FROM mailboxes',
  bodyStart: `SELECT message_id AS id, left(coalesce(search_text, text), ${SNIPPET_SOURCE_CHARS}) AS text
    FROM bodies WHERE message_id = ANY($1::bigint[])`,
  // The whole body only when it is longer than its start (octet_length reads no text).
  fields: `SELECT m.id, m.subject, m.sender, m.recipients,
      CASE WHEN octet_length(coalesce(b.search_text, b.text)) > ${SNIPPET_SOURCE_CHARS}
           THEN coalesce(b.search_text, b.text) END AS body
    FROM messages m LEFT JOIN bodies b ON b.message_id = m.id WHERE m.id = ANY($1::bigint[])`,
};

/** What a statement's parameters hold here. */
type Value = string | number | readonly number[];

interface Step {
  sql: string;
  params: Value[];
}

interface Plan {
  /** Each yields candidates newest first; several (one per folder) are merged. */
  steps: Step[];
  /** The free words (not from:/to:/subject:) as folded tokens, to highlight; empty: none. */
  snippetTerms: string[][];
}

interface CandidateRow {
  id: number;
  snippet: string;
}

interface FieldsRow {
  id: number;
  subject: string;
  sender: string;
  recipients: string;
  body: string | null;
}

/** A word as a tsquery operand: quoted, so nothing in it is read as an operator. */
function lexeme(word: string): string {
  return `'${word.replace(/['\\]/g, '\\$&')}'`;
}

/**
 * A term as a tsquery: its tokens side by side (a phrase, as FTS5 reads a quoted string), in
 * its field's label. Null when it cannot match: a word too long to be in any tsvector.
 */
export function tsTerm(t: TextTerm): string | null {
  const words = termTokens(t.text);
  if (!words.length || words.some((w) => Buffer.byteLength(w) > MAX_WORD_BYTES)) return null;
  const parts = words.map((w) => lexeme(w) + LABELS[t.field]);
  return parts.length === 1 ? parts[0]! : `(${parts.join(' <-> ')})`;
}

/** The snippet of a hit whose body does not show a match: the best field, else none. */
function fieldSnippet(row: FieldsRow, terms: string[][]): SearchIndexHit | null {
  let best: { id: number; snippet: string; highlights: [number, number][] } | null = null;
  let bestCount = 0;
  for (const field of FIELDS) {
    const marked = markedSnippet(row[field], terms, OPEN, CLOSE);
    if (marked === null) continue;
    const plain = plainSnippet(marked);
    const count = new Set(plain.highlights.map(([s, e]) => plain.snippet.slice(s, e).toLowerCase()))
      .size;
    if (count > bestCount) {
      best = { id: row.id, ...plain };
      bestCount = count;
    }
  }
  return best;
}

export class SearchRepo implements SearchRepository {
  constructor(private readonly db: Db) {}

  async search(query: string, opts: SearchOptions): Promise<SearchPage> {
    checkOptions(opts);
    const plan = await this.plan(parseSearchQuery(query), opts);
    if (!plan) return { hits: [], nextBefore: null };
    let rows: CandidateRow[] = [];
    for (const step of plan.steps)
      rows.push(...(await this.db.rows<CandidateRow>(step.sql, step.params)));
    if (plan.steps.length > 1) rows.sort((a, b) => b.id - a.id);
    rows = rows.slice(0, opts.limit);
    const hits = plan.snippetTerms.length
      ? await this.highlighted(rows, plan.snippetTerms)
      : rows.map((r) => ({ id: r.id, snippet: r.snippet, highlights: [] }));
    const last = hits.at(-1);
    return { hits, nextBefore: last && hits.length === opts.limit ? last.id : null };
  }

  /** EXPLAIN of every statement `search` would run for this query. */
  async explain(query: string, opts: SearchOptions): Promise<StatementPlan[]> {
    checkOptions(opts);
    const plan = await this.plan(parseSearchQuery(query), opts);
    if (!plan) return [];
    const explain = async (sql: string, params: readonly Value[]): Promise<StatementPlan> => ({
      sql,
      plan: await this.db.column<string>(`EXPLAIN ${sql}`, params),
    });
    const out: StatementPlan[] = [];
    for (const s of plan.steps) out.push(await explain(s.sql, s.params));
    const ids = [Array.from({ length: opts.limit }, (_, i) => i + 1)];
    if (plan.snippetTerms.length) {
      out.push(await explain(SQL.bodyStart, ids));
      out.push(await explain(SQL.fields, ids));
    }
    return out;
  }

  /**
   * Snippets around the free words, as SQLite makes them: from the start of the body (one
   * statement for the whole page), then the rest of the body, then the best other field; the
   * stored snippet when the words are only in what is not shown (a name in an address).
   */
  private async highlighted(
    rows: readonly CandidateRow[],
    terms: string[][],
  ): Promise<SearchIndexHit[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const found = new Map<number, SearchIndexHit>();
    const starts = await this.db.rows<{ id: number; text: string | null }>(
      prepared(SQL.bodyStart),
      [ids],
    );
    for (const r of starts) {
      const marked = r.text ? markedSnippet(r.text, terms, OPEN, CLOSE) : null;
      if (marked === null) continue;
      const plain = plainSnippet(marked);
      if (plain.highlights.length > 0) found.set(r.id, { id: r.id, ...plain });
    }
    const rest = ids.filter((id) => !found.has(id));
    if (rest.length) {
      for (const r of await this.db.rows<FieldsRow>(prepared(SQL.fields), [rest])) {
        const id = r.id;
        const deep =
          r.body && r.body.length > SNIPPET_SOURCE_CHARS
            ? markedSnippet(r.body, terms, OPEN, CLOSE)
            : null;
        const plain = deep === null ? null : plainSnippet(deep);
        const shown = plain?.highlights.length ? { id, ...plain } : fieldSnippet(r, terms);
        if (shown) found.set(id, shown);
      }
    }
    return rows.map((r) => found.get(r.id) ?? { id: r.id, snippet: r.snippet, highlights: [] });
  }

  /** The statements that find the candidates; null when nothing can match. */
  private async plan(q: SearchQuery, opts: SearchOptions): Promise<Plan | null> {
    if (isEmptyQuery(q)) return null;
    const params: Value[] = [];
    const param = (value: Value): string => `$${params.push(value)}`;
    const where: string[] = [];

    const { lo, hi } = dateIdRange(q, opts.before);
    if (q.after !== null) where.push(`m.date >= ${param(localDayStart(q.after))}`);
    if (q.before !== null) where.push(`m.date < ${param(localDayStart(q.before))}`);
    if (lo >= hi) return null;

    const wanted = wantedFlags(q);
    if (!wanted) return null;
    for (const [flag, value] of wanted) where.push(FLAG_SQL[flag][value ? 0 : 1]);

    const folders = await this.folders(q);
    if (folders.include?.length === 0) return null;
    if (!folders.include && folders.exclude.length > 0)
      where.push(`m.mailbox_id <> ALL(${param(folders.exclude)}::bigint[])`);

    const positive: string[] = [];
    const negative: string[] = [];
    for (const t of q.terms) {
      const term = tsTerm(t);
      if (term === null && !t.negated) return null;
      if (term !== null) (t.negated ? negative : positive).push(term);
    }
    const excluded = negative.length ? negative.join(' | ') : null;
    // Terms of the header fields only: their own small vector (migration 0007) holds them.
    const vector = q.terms.every((t) => t.field !== 'any') ? 'm.fields' : 'm.search';
    const snippetTerms = q.terms
      .filter((t) => !t.negated && t.field === 'any')
      .map((t) => termTokens(t.text));

    if (positive.length > 0) {
      const match = [...positive, ...(excluded ? [`!(${excluded})`] : [])].join(' & ');
      where.unshift(`${vector} @@ ${param(match)}::tsquery`);
      if (folders.include) where.push(`m.mailbox_id = ANY(${param(folders.include)}::bigint[])`);
      return { steps: [this.walk(where, params, hi, lo, opts.limit)], snippetTerms };
    }

    if (excluded) where.push(`NOT (${vector} @@ ${param(excluded)}::tsquery)`);
    if (!folders.include)
      return { steps: [this.walk(where, params, hi, lo, opts.limit)], snippetTerms };
    // One walk of the (mailbox_id, id) index per folder, merged: ANY over it would sort.
    return {
      steps: folders.include.map((mailbox) => {
        const own = [...params];
        return this.walk(
          [`m.mailbox_id = $${own.push(mailbox)}`, ...where],
          own,
          hi,
          lo,
          opts.limit,
        );
      }),
      snippetTerms,
    };
  }

  /** Candidates newest first, with their stored snippet (shown when no word is highlighted). */
  private walk(
    where: readonly string[],
    base: readonly Value[],
    hi: number,
    lo: number,
    limit: number,
  ): Step {
    const params = [...base];
    const at = (value: Value) => `$${params.push(value)}`;
    const conditions = [...where, `m.id < ${at(hi)}`, `m.id >= ${at(lo)}`];
    return {
      sql: `SELECT m.id, m.snippet FROM messages m WHERE ${conditions.join(' AND ')} ORDER BY m.id DESC LIMIT ${at(limit)}`,
      params,
    };
  }

  private async folders(q: SearchQuery): Promise<{ include: number[] | null; exclude: number[] }> {
    if (q.mailboxes.length === 0) return { include: null, exclude: [] };
    return folderFilter(q, await this.db.rows<FolderRow>(SQL.mailboxes));
  }
}
