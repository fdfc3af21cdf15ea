// Tenant isolation through real `maildock serve` instances: a person of tenant acme has an
// account on a real Dovecot with synced mail (one with an attachment), a draft, a message
// waiting in the outbox and an action; a person of tenant globex, signed in on the other
// instance, calls every method of the contract naming those ids. Each answers NOT_FOUND, an
// empty list, or 403 for what is the operator's, and no answer holds anything of acme's.
// A method added to the contract fails this test until a probe here covers it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods, type MethodName } from '../../common/api.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import { waitFor } from '../support/processes.js';
import {
  call,
  login,
  peopleCluster,
  value,
  type PeopleCluster,
  type ServeInstance,
} from '../support/people-serve.js';

/** What a probe must get back. */
type Outcome =
  /** NOT_FOUND: the id names nothing this person has. */
  | 'not-found'
  /** A list, a page or a count with nothing in it. */
  | 'empty'
  /** 403: the operator's, not offered over the API. */
  | 'forbidden'
  /** Answered for the caller alone (their own settings, their own empty summary). */
  | 'own'
  /** Refused for a reason of its own (a wrong password), never ALREADY_EXISTS or NOT_FOUND. */
  | 'refused'
  /**
   * Nothing done, in the very words said for ids nobody has (a selection of conversations,
   * an undo): so the answer cannot tell that acme's ids exist.
   */
  | 'nothing';

interface Probe {
  input: unknown;
  outcome: Outcome;
}

interface Alpha {
  accountId: number;
  inboxId: number;
  messageId: number;
  threadId: number;
  attachmentId: number;
  draftId: number;
  outboxId: number;
  actionId: number;
  /** A folder of acme's own making (no role: it may be renamed and deleted). */
  folderId: number;
}

/** An id no one has. */
const UNKNOWN_ID = 987_654;
const ALPHA_EMAIL = 'alpha@acme.test';
const BETA_EMAIL = 'beta@globex.test';
const ALPHA_PASSWORD = 'alpha-password-Qx71';
const BETA_PASSWORD = 'beta-password-Lm42';
/** Words that appear only in acme's data: none may be in any answer to globex's person. */
const ALPHA_WORDS = [
  'Quarterly merger memo',
  'Invoice with figures',
  'merger-figures.pdf',
  'Alpha draft on the board',
  'Alpha outbox note',
  'carol@partner.test',
  'dave@partner.test',
  'alpha-merger-1@acme.test',
  'alpha-invoice-2@acme.test',
  'Alpha board minutes',
];

function probesFor(a: Alpha, dovecot: DovecotServer): Record<MethodName, Probe[]> {
  const nf = (input: unknown): Probe => ({ input, outcome: 'not-found' });
  const empty = (input: unknown): Probe => ({ input, outcome: 'empty' });
  const forbidden = (input: unknown): Probe => ({ input, outcome: 'forbidden' });
  const own = (input: unknown): Probe => ({ input, outcome: 'own' });
  const nothing = (input: unknown): Probe => ({ input, outcome: 'nothing' });
  const alphaAccount = {
    email: `${dovecot.user}@maildock.test`,
    imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user: dovecot.user },
    password: 'not-alphas-password',
  };
  const ids = { ids: [a.messageId] };
  return {
    'account.add': [{ input: alphaAccount, outcome: 'refused' }],
    'account.test': [{ input: alphaAccount, outcome: 'refused' }],
    // Settings of no one's: a public provider's, from the bundled ISPDB without any network.
    'account.discover': [own({ email: 'someone@gmail.com' })],
    // OAuth2 sign-in is refused by the server of many people (methods/oauth2.ts).
    'account.signin': [
      { input: { id: a.accountId, oauth2: { flowId: 'x' } }, outcome: 'forbidden' },
    ],
    'oauth2.start': [
      {
        input: { email: ALPHA_EMAIL, provider: 'google', flow: 'device' },
        outcome: 'forbidden',
      },
    ],
    'oauth2.finish': [{ input: { flowId: 'x' }, outcome: 'forbidden' }],
    'oauth2.cancel': [{ input: { flowId: 'x' }, outcome: 'forbidden' }],
    'account.list': [empty({})],
    'account.remove': [nf({ id: a.accountId })],
    'account.update': [
      nf({ id: a.accountId, name: 'Globex was here' }),
      nf({ id: a.accountId, smtp: null }),
      // Acme's own server and password: only the owner check stands between them and a save.
      nf({ id: a.accountId, imap: alphaAccount.imap, password: dovecot.password }),
    ],
    'identity.save': [
      nf({ accountId: a.accountId, email: 'globex@alias.test', name: 'Globex was here' }),
      nf({ accountId: a.accountId, email: `${dovecot.user}@maildock.test`, signature: null }),
    ],
    'identity.remove': [nf({ accountId: a.accountId, email: `${dovecot.user}@maildock.test` })],
    'mailbox.list': [empty({ accountId: a.accountId }), empty({})],
    'mailbox.create': [
      nf({ accountId: a.accountId, name: 'Probe' }),
      nf({ accountId: a.accountId, name: 'Probe', parentId: a.folderId }),
    ],
    'mailbox.rename': [
      nf({ id: a.folderId, name: 'Probe' }),
      nf({ id: a.folderId, parentId: null }),
      nf({ id: a.inboxId, name: 'Probe' }),
    ],
    'mailbox.delete': [nf({ id: a.folderId }), nf({ id: a.inboxId })],
    // Paths on the server's disk are no person's: refused whoever asks, whatever the folder.
    'mailbox.import': [forbidden({ path: '/etc/passwd', mailboxId: a.inboxId, format: 'auto' })],
    'mailbox.export': [
      forbidden({ to: '/tmp/alpha-inbox.mbox', format: 'mbox', mailboxId: a.inboxId }),
      forbidden({ to: '/tmp/alpha-ids', format: 'eml', ids: [a.messageId] }),
      forbidden({ to: '/tmp/alpha-search.mbox', format: 'mbox', query: 'merger' }),
    ],
    'transfer.cancel': [forbidden({ transferId: 1 })],
    'message.list': [
      nf({ mailboxId: a.inboxId }),
      nf({ mailboxIds: [a.inboxId] }),
      nf({ accountId: a.accountId, path: 'INBOX' }),
      nf({ mailboxId: a.inboxId, threads: true }),
      // Every Inbox the caller has: none of acme's.
      empty({ role: 'inbox' }),
    ],
    'message.get': [nf({ id: a.messageId }), nf({ id: a.messageId, raw: true })],
    'message.thread': [nf({ id: a.messageId })],
    'sender.remoteContent': [own({ address: 'someone@elsewhere.test', allow: true })],
    'address.suggest': [empty({ query: 'carol' }), empty({ query: '' })],
    'message.search': [empty({ query: 'merger' }), empty({ query: 'from:carol@partner.test' })],
    'attachment.get': [nf({ id: a.attachmentId })],
    'message.mark': [
      nf({ ...ids, read: true }),
      nothing({ threadIds: [a.threadId], flagged: true }),
    ],
    'message.move': [nf({ ...ids, role: 'archive' }), nf({ ...ids, mailboxId: a.inboxId })],
    'message.delete': [nf(ids), nothing({ threadIds: [a.threadId] })],
    // Another's message: NOT_FOUND, and no POST or mail goes anywhere.
    'message.unsubscribe': [nf({ id: a.messageId })],
    'message.junk': [
      nf({ ...ids, junk: true }),
      nf({ ...ids, junk: false }),
      nothing({ threadIds: [a.threadId], junk: true }),
    ],
    // Another's message: NOT_FOUND before any connection to its server.
    'message.source': [nf({ id: a.messageId })],
    'action.undo': [nothing({ actionId: a.actionId })],
    'operation.list': [empty({}), empty({ state: 'pending' })],
    'outbox.send': [
      nf({ accountId: a.accountId, to: ['x@globex.test'], subject: 'probe', delaySeconds: 3600 }),
      nf({ to: ['x@globex.test'], reference: { id: a.messageId, mode: 'reply' } }),
      nf({ to: ['x@globex.test'], reference: { id: a.messageId, mode: 'forward' } }),
      nf({ accountId: a.accountId, to: ['x@globex.test'], draftId: a.draftId }),
    ],
    'outbox.list': [empty({ accountId: a.accountId }), empty({}), empty({ state: 'queued' })],
    'outbox.retry': [nf({ id: a.outboxId })],
    'outbox.cancel': [nf({ id: a.outboxId })],
    'outbox.edit': [nf({ id: a.outboxId, to: ['x@globex.test'], subject: 'edited' })],
    'outbox.resend': [nf({ id: a.outboxId })],
    'outbox.settings': [nf({ accountId: a.accountId, serverSavesSent: true })],
    'draft.save': [
      nf({ id: a.draftId, subject: 'overwritten' }),
      nf({ accountId: a.accountId, subject: 'new draft in alpha' }),
    ],
    'draft.list': [empty({ accountId: a.accountId }), empty({})],
    'draft.delete': [nf({ id: a.draftId })],
    'draft.get': [nf({ id: a.draftId })],
    'sync.run': [nf({ accountId: a.accountId })],
    'sync.summary': [own({})],
    'sync.state': [empty({})],
    'stack.config': [forbidden({})],
    'stack.up': [forbidden({})],
    'stack.status': [forbidden({})],
    'stack.start': [forbidden({})],
    'stack.stop': [forbidden({})],
    'stack.restart': [forbidden({ service: 'postgres' })],
    'stack.down': [forbidden({})],
    'stack.logs': [forbidden({ service: 'postgres' })],
    'stack.health': [forbidden({})],
    'stack.user.add': [forbidden({ name: dovecot.user })],
    'stack.user.passwd': [forbidden({ name: dovecot.user, password: 'new-password-1' })],
    'stack.user.quota': [forbidden({ name: dovecot.user, quota: null })],
    'stack.user.list': [forbidden({})],
    'stack.user.remove': [forbidden({ name: dovecot.user })],
    'app.settings': [own({})],
    'app.info': [own({})],
    'backup.create': [forbidden({})],
    'backup.verify': [forbidden({ file: '/tmp/x.maildock-backup' })],
    'backup.restore': [forbidden({ file: '/tmp/x.maildock-backup' })],
    'backup.list': [forbidden({})],
    'backup.schedule': [forbidden({})],
    'backup.cancel': [forbidden({})],
  };
}

/** True when the value is empty as a list, a page, a search or a count. */
function isEmpty(found: unknown): boolean {
  if (Array.isArray(found)) return found.length === 0;
  const v = found as Record<string, unknown>;
  if (Array.isArray(v.messages)) return v.messages.length === 0 && !v.total;
  if (Array.isArray(v.hits)) return v.hits.length === 0;
  if (typeof v.due === 'number') return v.due === 0;
  return false;
}

/** The input with every id in it (under an id-like key, or in a list of ids) swapped. */
function swapIds(input: unknown, swap: (id: number) => number): unknown {
  if (Array.isArray(input)) return input.map((item) => swapIds(item, swap));
  if (!input || typeof input !== 'object') return input;
  return Object.fromEntries(
    Object.entries(input).map(([key, inner]) => {
      if (/(^id$|Id$)/.test(key) && typeof inner === 'number') return [key, swap(inner)];
      if (/(^ids$|Ids$)/.test(key) && Array.isArray(inner))
        return [key, inner.map((n: number) => swap(n))];
      return [key, swapIds(inner, swap)];
    }),
  );
}

/** Every number under an id-like key, anywhere in a value. */
function idsIn(found: unknown, out: number[] = []): number[] {
  if (Array.isArray(found)) for (const item of found) idsIn(item, out);
  else if (found && typeof found === 'object') {
    for (const [key, inner] of Object.entries(found)) {
      if (/(^id$|Id$)/.test(key) && typeof inner === 'number') out.push(inner);
      else idsIn(inner, out);
    }
  }
  return out;
}

describe('tenant isolation on the server of many people', () => {
  let dovecot: DovecotServer;
  let cluster: PeopleCluster;
  let first: ServeInstance;
  let second: ServeInstance;
  let alpha: Alpha;
  let alphaToken: string;

  beforeAll(async () => {
    [dovecot, cluster] = await Promise.all([startDovecot(), peopleCluster()]);
    await dovecot.append(
      'INBOX',
      makeMail({
        subject: 'Quarterly merger memo',
        from: 'Carol Partner <carol@partner.test>',
        messageId: '<alpha-merger-1@acme.test>',
        text: 'The merger closes on Friday.',
      }),
    );
    await dovecot.append(
      'INBOX',
      makeMail({
        subject: 'Invoice with figures',
        from: 'Dave Partner <dave@partner.test>',
        messageId: '<alpha-invoice-2@acme.test>',
        attachment: {
          filename: 'merger-figures.pdf',
          contentType: 'application/pdf',
          content: Buffer.from('%PDF-1.4 figures'),
        },
      }),
    );
    await cluster.addPerson('acme', ALPHA_EMAIL, ALPHA_PASSWORD);
    await cluster.addPerson('globex', BETA_EMAIL, BETA_PASSWORD);
    [first, second] = await Promise.all([cluster.start('first'), cluster.start('second')]);

    alphaToken = (await login(first.base, ALPHA_EMAIL, ALPHA_PASSWORD)).token;
    const ask = <T>(method: string, input: unknown) =>
      value<T>(first.base, method, input, alphaToken);
    const account = await ask<{ id: number }>('account.add', {
      email: `${dovecot.user}@maildock.test`,
      imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user: dovecot.user },
      // Nothing listens there: the outbox row waits an hour and never tries it.
      smtp: { host: '127.0.0.1', port: 1, security: 'none', user: dovecot.user },
      password: dovecot.password,
    });
    type Row = { id: number; threadId: number | null; subject: string };
    let rows: Row[] = [];
    let inboxId = 0;
    // Synced by whichever instance took the account's lease.
    const synced = await waitFor(async () => {
      const boxes = await ask<{ id: number; path: string }[]>('mailbox.list', {
        accountId: account.id,
      });
      inboxId = boxes.find((b) => b.path === 'INBOX')?.id ?? 0;
      if (!inboxId) return false;
      rows = (await ask<{ messages: Row[] }>('message.list', { mailboxId: inboxId })).messages;
      return rows.length === 2;
    }, 60_000);
    expect(synced, first.output().stderr).toBe(true);
    const memo = rows.find((r) => r.subject === 'Quarterly merger memo')!;
    const invoice = rows.find((r) => r.subject === 'Invoice with figures')!;
    const detail = await ask<{ attachments: { id: number }[] }>('message.get', { id: invoice.id });
    const draft = await ask<{ id: number }>('draft.save', {
      accountId: account.id,
      to: ['carol@partner.test'],
      subject: 'Alpha draft on the board',
      text: 'Draft text',
    });
    const queued = await ask<{ id: number }>('outbox.send', {
      accountId: account.id,
      to: ['dave@partner.test'],
      subject: 'Alpha outbox note',
      text: 'Waits an hour',
      delaySeconds: 3600,
    });
    const action = await ask<{ actionId: number }>('message.mark', {
      ids: [memo.id],
      flagged: true,
    });
    const folder = await ask<{ id: number }>('mailbox.create', {
      accountId: account.id,
      name: 'Alpha board minutes',
    });
    alpha = {
      accountId: account.id,
      inboxId,
      messageId: memo.id,
      threadId: memo.threadId!,
      attachmentId: detail.attachments[0]!.id,
      draftId: draft.id,
      outboxId: queued.id,
      actionId: action.actionId,
      folderId: folder.id,
    };
    expect(Object.values(alpha).every((id) => Number.isInteger(id) && id > 0)).toBe(true);
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
    await dovecot?.stop();
  });

  it("answers every method of the contract to another tenant's person with nothing of acme's", async () => {
    const probes = probesFor(alpha, dovecot);
    // A method added to the contract must get probes here before this passes.
    expect(Object.keys(probes).sort()).toEqual(Object.keys(methods).sort());

    const beta = (await login(second.base, BETA_EMAIL, BETA_PASSWORD)).token;
    const alphaIds = new Set(Object.values(alpha));
    const wrong: string[] = [];
    for (const [method, list] of Object.entries(probes)) {
      for (const probe of list) {
        const answer = await call(second.base, method, probe.input, beta);
        const body = answer.body as {
          ok?: boolean;
          value?: unknown;
          error?: { code: string };
        } | null;
        const said = `${method} ${JSON.stringify(probe.input)} → ${answer.status} ${answer.text}`;
        const leaked = ALPHA_WORDS.filter((word) => answer.text.includes(word));
        if (leaked.length) wrong.push(`${said}: holds ${leaked.join(', ')}`);
        // An id the probe gave may be said back (an undo names what it was asked to undo).
        const given = new Set(idsIn(probe.input));
        if (body?.ok && idsIn(body.value).some((id) => alphaIds.has(id) && !given.has(id)))
          wrong.push(`${said}: holds one of acme's ids`);
        let sameAsStranger = false;
        if (probe.outcome === 'nothing') {
          const unknown = swapIds(probe.input, () => UNKNOWN_ID);
          const stranger = await call(second.base, method, unknown, beta);
          sameAsStranger =
            stranger.status === answer.status &&
            JSON.stringify(swapIds(stranger.body, (id) => (id === UNKNOWN_ID ? 0 : id))) ===
              JSON.stringify(swapIds(answer.body, (id) => (alphaIds.has(id) ? 0 : id)));
        }
        const code = body?.error?.code;
        const fine = {
          'not-found': answer.status === 404 && code === 'NOT_FOUND',
          empty: answer.status === 200 && body?.ok === true && isEmpty(body.value),
          forbidden: answer.status === 403,
          own: answer.status === 200 && body?.ok === true,
          refused:
            body?.ok === false && code !== 'NOT_FOUND' && code !== 'ALREADY_EXISTS' && !!code,
          nothing: answer.status === 200 && sameAsStranger,
        }[probe.outcome];
        if (!fine) wrong.push(`${said}: expected ${probe.outcome}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it("leaves acme's mail, folders, draft, outbox and action as they were", async () => {
    const ask = <T>(method: string, input: unknown) =>
      value<T>(first.base, method, input, alphaToken);
    const accounts = await ask<{ id: number }[]>('account.list', {});
    expect(accounts.map((a) => a.id)).toEqual([alpha.accountId]);
    // account.update's probes changed nothing.
    expect(accounts[0]).toMatchObject({ name: null, smtp: { port: 1 } });
    const page = await ask<{ messages: { id: number; flags: string[]; subject: string }[] }>(
      'message.list',
      { mailboxId: alpha.inboxId },
    );
    expect(page.messages.map((m) => m.subject).sort()).toEqual([
      'Invoice with figures',
      'Quarterly merger memo',
    ]);
    const memo = page.messages.find((m) => m.id === alpha.messageId)!;
    expect(memo.flags).toContain('\\Flagged');
    expect(memo.flags).not.toContain('\\Seen');
    const drafts = await ask<{ id: number; subject: string | null }[]>('draft.list', {});
    expect(drafts.find((d) => d.id === alpha.draftId)?.subject).toBe('Alpha draft on the board');
    const outbox = await ask<{ id: number; state: string; subject: string }[]>('outbox.list', {});
    expect(outbox.find((o) => o.id === alpha.outboxId)).toMatchObject({
      state: 'queued',
      subject: 'Alpha outbox note',
    });
    const folders = await ask<{ id: number; path: string }[]>('mailbox.list', {});
    expect(folders.find((f) => f.id === alpha.folderId)?.path).toBe('Alpha board minutes');
    const undone = await ask<{ undone: boolean }>('action.undo', { actionId: alpha.actionId });
    expect(undone.undone).toBe(true);
  }, 60_000);
});
