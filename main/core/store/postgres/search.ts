// Search on Postgres, with the results of SQLite's (sqlite/search.ts) for every query of the
// language (search-query.ts). Words match through `messages.search`, the tsvector the store
// builds as SQLite's tokenizer cuts words (search-vector.ts), with a label per field, and its
// GIN index, which starts with the person (migration 0007); terms of the header fields only
// match through `messages.fields`, the small part of it Postgres keeps for them, and Cc, Bcc
// and List-Id through `messages.more` (migration 0013). The tsqueries are built from the
// same folded tokens (search-tsquery.ts). Candidates come newest first by id (ids sort like
// dates, so a date range is an id range and "newest first" is the primary key's order); the
// planner picks the GIN index for rare words and a walk of the primary key, stopped by the
// limit, for common ones. What the top level's words and filters do not say is a condition
// from search-sql.ts. A count, when asked, is the same walk up to SEARCH_COUNT_LIMIT.
// Snippets are made in JavaScript like SQLite's (snippet.ts), not with ts_headline, which
// re-parses the text with Postgres's parser: other words, and no diacritic folding.
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
import type { SearchNode, SearchQuery } from '../search-query.js';
import {
  condition,
  highlightTerms,
  namesFolders,
  splitTop,
  type BindValue,
  type Dialect,
} from '../search-sql.js';
import { SNIPPET_SOURCE_CHARS, markedSnippet, snippetTerm } from '../snippet.js';
import type { SearchRepository } from '../repositories.js';
import type { SearchIndexHit, SearchOptions, SearchPage, StatementPlan } from '../types.js';
import { prepared, type Db } from './db.js';
import {
  allNone,
  searchColumn,
  tsQuery,
  vectorOf,
  type TsQuery,
  type VectorName,
} from './search-tsquery.js';

export { tsTerm } from './search-tsquery.js';

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
  /** The candidates, newest first. */
  sql: string;
  /** How many there are, up to a cap bound after `countParams`. */
  countSql: string;
  params: Value[];
  countParams: Value[];
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

/** The column a node of words of one vector matches in. */
function column(vector: VectorName, nodes: readonly SearchNode[]): string {
  return vector === 'more' ? 'm.more' : searchColumn(nodes);
}

export class SearchRepo implements SearchRepository {
  constructor(private readonly db: Db) {}

  async search(query: string, opts: SearchOptions): Promise<SearchPage> {
    checkOptions(opts);
    const q = parseSearchQuery(query);
    const plan = await this.plan(q, opts.before, opts.limit);
    let rows: CandidateRow[] = [];
    for (const step of plan?.steps ?? [])
      rows.push(...(await this.db.rows<CandidateRow>(step.sql, step.params)));
    if ((plan?.steps.length ?? 0) > 1) rows.sort((a, b) => b.id - a.id);
    rows = rows.slice(0, opts.limit);
    const hits = plan?.snippetTerms.length
      ? await this.highlighted(rows, plan.snippetTerms)
      : rows.map((r) => ({ id: r.id, snippet: r.snippet, highlights: [] }));
    const last = hits.at(-1);
    const counted = opts.before === undefined ? plan : await this.plan(q, undefined, 1);
    return {
      hits,
      nextBefore: last && hits.length === opts.limit ? last.id : null,
      total: opts.count ? await this.count(counted) : null,
    };
  }

  /** EXPLAIN of every statement `search` would run for this query. */
  async explain(query: string, opts: SearchOptions): Promise<StatementPlan[]> {
    checkOptions(opts);
    const plan = await this.plan(parseSearchQuery(query), opts.before, opts.limit);
    if (!plan) return [];
    const explain = async (sql: string, params: readonly Value[]): Promise<StatementPlan> => ({
      sql,
      plan: await this.db.column<string>(`EXPLAIN ${sql}`, params),
    });
    const out: StatementPlan[] = [];
    for (const s of plan.steps) out.push(await explain(s.sql, s.params));
    if (opts.count)
      for (const s of plan.steps)
        out.push(await explain(s.countSql, [...s.countParams, SEARCH_COUNT_LIMIT + 1]));
    const ids = [Array.from({ length: opts.limit }, (_, i) => i + 1)];
    if (plan.snippetTerms.length) {
      out.push(await explain(SQL.bodyStart, ids));
      out.push(await explain(SQL.fields, ids));
    }
    return out;
  }

  /** The matches up to the limit; the folders' walks are disjoint, so their counts add up. */
  private async count(plan: Plan | null): Promise<{ count: number; more: boolean }> {
    let n = 0;
    for (const step of plan?.steps ?? []) {
      const cap = SEARCH_COUNT_LIMIT + 1 - n;
      if (cap <= 0) break;
      n += Number(await this.db.value<number | string>(step.countSql, [...step.countParams, cap]));
    }
    return { count: Math.min(n, SEARCH_COUNT_LIMIT), more: n > SEARCH_COUNT_LIMIT };
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
  private async plan(
    q: SearchQuery,
    before: number | undefined,
    limit: number,
  ): Promise<Plan | null> {
    if (!q.root) return null;
    const top = splitTop(q.root);
    const params: Value[] = [];
    const bind = (value: BindValue): string =>
      `$${params.push(typeof value === 'bigint' ? value.toString() : value)}`;
    const rows = namesFolders(q.root) ? await this.db.rows<FolderRow>(SQL.mailboxes) : [];
    const dialect: Dialect = {
      bind,
      match: (node) => {
        const vector = node.kind === 'not' ? null : vectorOf(node);
        if (vector === null) return null;
        const query = tsQuery(node);
        return query === null ? '1 = 0' : `${column(vector, [node])} @@ ${bind(query)}::tsquery`;
      },
      foldAscii: (c) =>
        `translate(${c}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`,
      contains: (haystack, needle) => `strpos(${haystack}, ${needle}::text) > 0`,
      inFolders: (ids) => `m.mailbox_id = ANY(${bind(ids)}::bigint[])`,
    };
    const where: string[] = [];

    const { lo, hi } = dateIdRange(top, before);
    if (top.after !== null) where.push(`m.date >= ${bind(localDayStart(top.after))}`);
    if (top.before !== null) where.push(`m.date < ${bind(localDayStart(top.before))}`);
    if (lo >= hi) return null;

    const wanted = wantedFlags(top.flags);
    if (!wanted) return null;
    for (const [flag, value] of wanted) where.push(FLAG_SQL[flag][value ? 0 : 1]);

    const folders = top.folders.length
      ? folderFilter(top.folders, rows)
      : { include: null, exclude: [] };
    if (folders.include?.length === 0) return null;
    if (!folders.include && folders.exclude.length > 0)
      where.push(`m.mailbox_id <> ALL(${bind(folders.exclude)}::bigint[])`);

    // The top level's words, one tsquery per vector (the GIN index finds them in one look);
    // words of both vectors in one item are conditions.
    const conditions: SearchNode[] = [...top.rest];
    const byVector = new Map<VectorName, { pos: SearchNode[]; neg: SearchNode[] }>();
    const sort = (node: SearchNode, negated: boolean) => {
      const vector = vectorOf(node);
      if (vector === null) {
        conditions.push(negated ? { kind: 'not', item: node, position: node.position } : node);
        return;
      }
      const entry = byVector.get(vector) ?? { pos: [], neg: [] };
      (negated ? entry.neg : entry.pos).push(node);
      byVector.set(vector, entry);
    };
    for (const node of top.text) sort(node, false);
    for (const node of top.notText) sort(node, true);
    let matched = false;
    for (const [vector, { pos, neg }] of byVector) {
      const col = column(vector, [...pos, ...neg]);
      const negative: TsQuery[] = neg.map(tsQuery);
      if (pos.length) {
        const query = allNone(pos.map(tsQuery), negative);
        if (query === null) return null;
        // After the column tests: Postgres checks equally cheap-looking conditions in the
        // order written, and a tsvector is read out of TOAST, so the flags go first.
        where.push(`${col} @@ ${bind(query)}::tsquery`);
        matched = true;
      } else {
        const excluded = negative.filter((n) => n !== null);
        if (excluded.length) where.push(`NOT (${col} @@ ${bind(excluded.join(' | '))}::tsquery)`);
      }
    }
    for (const c of conditions)
      where.push(condition(c, dialect, (name) => foldersNamed(name, rows)));
    const snippetTerms = highlightTerms(q.root).map((t) => snippetTerm(t.text, t.prefix));

    if (matched || !folders.include) {
      if (folders.include) where.push(dialect.inFolders(folders.include));
      return { steps: [walk(where, params, hi, lo, limit)], snippetTerms };
    }
    // One walk of the (mailbox_id, id) index per folder, merged: ANY over it would sort.
    return {
      steps: folders.include.map((mailbox) => {
        const own = [...params];
        return walk([`m.mailbox_id = $${own.push(mailbox)}`, ...where], own, hi, lo, limit);
      }),
      snippetTerms,
    };
  }
}

/** Candidates newest first, with their stored snippet (shown when no word is highlighted). */
function walk(
  where: readonly string[],
  base: readonly Value[],
  hi: number,
  lo: number,
  limit: number,
): Step {
  const params = [...base];
  const at = (value: Value) => `$${params.push(value)}`;
  const conditions = [...where, `m.id < ${at(hi)}`, `m.id >= ${at(lo)}`].join(' AND ');
  const countParams = [...params];
  return {
    sql: `SELECT m.id, m.snippet FROM messages m WHERE ${conditions} ORDER BY m.id DESC LIMIT ${at(limit)}`,
    // The cap is the parameter after the others.
    // In no order: the scan stops at the cap wherever it finds the matches (in the hits'
    // order a bitmap of a common word is read and sorted whole first).
    countSql: `SELECT count(*) FROM (SELECT 1 FROM messages m WHERE ${conditions} LIMIT $${countParams.length + 1}) c`,
    params,
    countParams,
  };
}
