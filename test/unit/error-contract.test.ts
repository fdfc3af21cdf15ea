// Every error the core can make, with the fields it really carries, fits every place of the
// contract where an error can travel. With Dovecot stopped, `sync.state` once answered 500
// because its error schema refused the fields of a connection error; the UI then lied.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { events, methods } from '../../common/api.js';
import {
  ERROR_CODES,
  MaildockError,
  errorDataSchema,
  type ErrorCode,
  type ErrorFields,
} from '../../common/errors.js';
import { SyncStates } from '../../main/core/sync/sync-states.js';
import type { AccountSyncState } from '../../common/types.js';
import { ERRORS_INSIDE } from '../../common/public-error.js';
import { findErrorPlaces, findTextErrors } from '../support/error-schemas.js';
import { findErrorSites } from '../support/error-sites.js';
import { storeWithInbox } from '../support/store.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

const imap = { host: 'imap.example.test', port: 993, cause: 'ECONNREFUSED' };
const docker = { socket: '/var/run/docker.sock', hint: 'Start Docker.' };

/** Where a Postgres store's server is, as its opening errors name it (never the password). */
const postgres = { host: '127.0.0.1', port: 5432, user: 'maildock', database: 'maildock' };

/** Each code with every field the sources give it, as values of the types they really have. */
const REAL_FIELDS: Record<ErrorCode, ErrorFields> = {
  INVALID_INPUT: {
    option: '--since',
    size: '5X',
    email: 'a@',
    kid: 'k 1',
    host: 'a b',
    role: 'x;',
    domain: 'example.test',
    jobId: 'x',
    tenant: 'acme',
    mailboxId: 4,
    format: 3,
    supported: 2,
    file: 'mail.tar',
    field: 'to',
    level: 'debug',
    path: 'INBOX',
    setting: 'MAILDOCK_SECRETS',
    key: 'account.1',
    accountId: 1,
    port: 993,
    id: 7,
    state: 'sent',
    limit: 500,
    before: '2025-01-01T00:00:00Z',
    database: 'postgres://maildock@127.0.0.1:5432/maildock',
    backupEngine: 'sqlite',
    storeEngine: 'postgres',
    line: 3,
    name: 'a/b',
    delimiter: '/',
    parentId: 5,
    accounts: 2,
    messageId: 12,
  },
  NOT_FOUND: {
    tenant: 'acme',
    email: 'a@acme.test',
    userId: 3,
    domain: 'example.test',
    jobId: '17',
    messageId: 12,
    mailboxId: 4,
    accountId: 1,
    role: 'archive',
    path: 'Archive',
    file: 'mail.tar',
    uid: 31,
    cause: null,
    id: 7,
    attachmentId: 3,
    address: 'a@example.test',
    part: '2',
    onServer: false,
    field: 'flowId',
    ...postgres,
  },
  ALREADY_EXISTS: {
    file: 'mail.tar',
    address: 'a@example.test',
    email: 'a@example.test',
    name: 'maildock-2026-12-06.maildock-backup',
    tenant: 'acme',
    path: 'Projects',
    replaceable: true,
    response: 'ALREADYEXISTS',
  },
  AUTH_FAILED: { field: 'password', ...imap, ...postgres },
  TLS_FAILED: imap,
  HOST_UNREACHABLE: { service: 'redis', provider: 'microsoft', ...imap, ...postgres },
  TIMEOUT: { ...imap, ...postgres, timeoutMs: 10_000, provider: 'google' },
  NOT_IMAP4REV1: { host: imap.host, port: imap.port },
  CONNECTION_LOST: { ...imap, maybeSent: true, responseCode: 421, command: 'DATA' },
  PROTOCOL_ERROR: {
    ...imap,
    path: 'Projects',
    response: 'CANNOT',
    status: 302,
    provider: 'https://id.example.test',
  },
  MAILBOX_GONE: { path: 'Old', uidValidity: '1700000000', response: 'NONEXISTENT' },
  SEARCH_SYNTAX: { position: 4, near: 'from:' },
  SECRET_UNAVAILABLE: {
    key: 'account.1',
    keyId: '2026-12',
    file: 'secrets.enc',
    reason: 'EACCES',
    mode: '0644',
    store: 'keychain',
    accountId: 1,
    hint: 'Unlock the keychain.',
    fileAdvised: true,
  },
  PARSE_FAILED: { id: 12 },
  TOO_LARGE: { file: 'big.bin', maxBytes: 65_536, size: 70_000_000 },
  STORE_FAILED: {
    file: 'maildock.db',
    path: '/data',
    folder: 'attachments',
    schema: 9,
    supported: 8,
    ...postgres,
    sqlstate: '57P01',
    program: 'pg_dump',
    role: 'maildock_app',
    exitCode: 1,
  },
  STORE_UNAVAILABLE: { sqlstate: '57P01' },
  CANCELLED: { provider: 'google' },
  INTERNAL: {},
  NO_SMTP: { accountId: 1 },
  SMTP_REJECTED: {
    response: '550 no such user',
    responseCode: 550,
    command: 'RCPT TO',
    refused: 'x@example.test',
  },
  SEND_FAILED: { responseCode: 451, command: 'MAIL FROM' },
  TOO_LATE: { id: 7, state: 'sending' },
  IN_USE: { accountId: 1, dataDir: '/data', hint: 'Close the other Maildock.' },
  DOCKER_NOT_INSTALLED: docker,
  DOCKER_NOT_RUNNING: docker,
  DOCKER_PERMISSION: docker,
  PORT_IN_USE: {
    port: 1025,
    host: '127.0.0.1',
    service: 'postfix',
    setting: 'smtpPort',
    hint: 'x',
  },
  STACK_BUILD_FAILED: {
    service: 'nginx',
    image: 'dovecot',
    step: 'RUN apt-get',
    output: 'E: …',
    hint: 'x',
  },
  STACK_UNHEALTHY: { service: 'dovecot', restartCount: 3, lastLog: 'fatal', hint: 'x' },
  STACK_NOT_RUNNING: { service: 'dovecot' },
  UNAUTHORIZED: {},
  FORBIDDEN: { file: '/etc/passwd', host: '10.0.0.5', port: 5432, field: 'oauth2' },
  RATE_LIMITED: { retryAfter: 42 },
  SIGNIN_REQUIRED: { accountId: 1, provider: 'google' },
};

/** Every error as the core hands it on: its data, with and without fields. */
const ERRORS = ERROR_CODES.flatMap((code) => [
  new MaildockError(code, `a ${code} error`, REAL_FIELDS[code]).toData(),
  new MaildockError(code, `a ${code} error without fields`).toData(),
]);

const ROOTS: [string, z.ZodType][] = [
  ...Object.entries(methods).map(([name, m]): [string, z.ZodType] => [`${name} →`, m.output]),
  ...Object.entries(events).map(([name, e]): [string, z.ZodType] => [`event ${name}`, e]),
  ['result error', errorDataSchema],
];

const PLACES = ROOTS.flatMap(([name, schema]) => findErrorPlaces(schema, name));

/** A value for each of the error's other keys (where it happened: account, folder). */
function around(schema: z.ZodObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema.shape)) {
    if (['code', 'message', 'fields'].includes(key)) continue;
    const pick = [1, 'INBOX', true].find((c) => value.safeParse(c).success);
    if (pick === undefined) throw new Error(`no sample for ${key} of an error`);
    out[key] = pick;
  }
  return out;
}

describe('the errors of the core and the contract', () => {
  it('has real fields for every code, and every field the sources give a code', () => {
    const sites = findErrorSites(ROOT, ['main', 'common']);
    expect(sites.length).toBeGreaterThan(100);
    const missing: string[] = [];
    const unread: string[] = [];
    for (const site of sites) {
      if (site.fields === null) {
        unread.push(site.where);
        continue;
      }
      // Another error's code said again: its extra fields must be known to some code.
      const codes = site.passThrough ? ERROR_CODES : site.code ? [site.code as ErrorCode] : [];
      if (!site.passThrough && !site.code) unread.push(site.where);
      for (const field of site.fields) {
        if (!codes.some((c) => REAL_FIELDS[c] && field in REAL_FIELDS[c])) {
          missing.push(`${site.where}: ${site.code ?? '(passed on)'} ${field}`);
        }
      }
    }
    expect(missing, 'fields the sources give that REAL_FIELDS lacks').toEqual([]);
    expect(unread, 'errors whose code or fields this test cannot read').toEqual([]);
    expect(Object.keys(REAL_FIELDS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('finds the places of the contract where an error travels', () => {
    const paths = PLACES.map((p) => p.path);
    for (const expected of [
      'sync.run →.errors[]',
      'sync.summary →.errors[]',
      'sync.state →[].errors[]',
      'sync.state →[].offline.error',
      'event sync.error.error',
      'event sync.state.errors[]',
      'event sync.state.offline.error',
      'result error',
    ]) {
      expect(paths).toContain(expected);
    }
  });

  it('has the transports look inside every method and event whose value can hold an error', () => {
    const holding = (named: Record<string, z.ZodType>) =>
      Object.entries(named)
        .filter(([name, schema]) => findErrorPlaces(schema, name).length > 0)
        .map(([name]) => name);
    const outputs = Object.fromEntries(Object.entries(methods).map(([n, m]) => [n, m.output]));
    for (const name of [...holding(outputs), ...holding(events)])
      expect(ERRORS_INSIDE.has(name), `${name} holds errors: add it to ERRORS_INSIDE`).toBe(true);
  });

  it('lets every error, with its real fields, through every place it can travel', () => {
    const refused: string[] = [];
    for (const place of PLACES) {
      for (const error of ERRORS) {
        const value = { ...error, ...around(place.schema) };
        const parsed = place.schema.safeParse(value);
        if (!parsed.success) refused.push(`${place.path} refuses ${JSON.stringify(value)}`);
        else expect(parsed.data).toMatchObject(value);
      }
    }
    expect(refused).toEqual([]);
  });

  it('answers sync.state and pushes its event for an account offline or failing with any error', async () => {
    const { store, accountId } = await storeWithInbox();
    const pushed: AccountSyncState[] = [];
    const states = new SyncStates(store, (s) => pushed.push(s));
    for (const error of ERRORS) {
      states.failed(accountId, error);
      states.offline(accountId, error, 'imap.example.test', new Date());
      states.finished(accountId, [{ ...error, mailbox: 'INBOX' }]);
      const answer = methods['sync.state'].output.safeParse(states.list([accountId]));
      expect(answer.error).toBeUndefined();
    }
    for (const state of pushed) expect(events['sync.state'].safeParse(state).error).toBeUndefined();
    expect(pushed.some((s) => s.offline?.error.fields?.['host'] === 'imap.example.test')).toBe(
      true,
    );
    await store.close();
  });

  it('names the errors the contract still keeps as plain text, so a new one is seen', () => {
    // A body's parse error and the stack's probes still say their error in prose.
    const text = ROOTS.flatMap(([name, schema]) => findTextErrors(schema, name));
    expect([...new Set(text)].sort()).toEqual([
      'event stack.health.services[].probes[].error',
      'message.get →.parseError',
      'stack.health →.current.services[].probes[].error',
      'stack.health →.history[].services[].probes[].error',
    ]);
  });
});
