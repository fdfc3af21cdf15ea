// A message's HTML over the real server: `POST /api/message.get` gives it sanitized by the
// reader's rules unless the caller asks for it raw, so that any API client is safe by
// default. Mail comes from a private Dovecot, synced by the core, as a user's would.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDetail } from '../../common/types.js';
import { loadOrCreateToken } from '../../main/server/auth.js';
import { buildServer, SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { dangers, HOSTILE_HTML } from '../support/hostile-html.js';
import { makeMail } from '../support/mail.js';
import { accountInput, openService, type TestService } from '../support/service.js';

const HOSTILE_BODY =
  '<p>MARKER hostile</p>' +
  '<img src="https://images.evil.test/banner.png" alt="Banner" width="600" height="200">' +
  '<img src="https://t.evil.test/open.gif?u=1" width="1" height="1">' +
  HOSTILE_HTML.map(([, html]) => html).join('');

/** An HTML-only message, its markup quoted-printable so that only a MIME decoder sees it. */
function htmlOnlyMail(subject: string, html: string): Buffer {
  const qp = Buffer.from(html)
    .toString('latin1')
    .replace(/[=<>"]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
    .replace(/.{70}/g, '$&=\r\n');
  return Buffer.from(
    [
      'From: Mallory <mallory@evil.test>',
      'To: victim@example.test',
      `Subject: ${subject}`,
      'Message-ID: <html-only@evil.test>',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      qp,
      '',
    ].join('\r\n'),
  );
}

const parse = (html: string) => new JSDOM(html).window.document;

describe('message HTML over the API', () => {
  let dovecot: DovecotServer;
  let t: TestService;
  let app: FastifyInstance;
  let base: string;
  let token: string;
  const ids = new Map<string, number>();

  const post = (method: string, body: unknown) =>
    fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const value = async <T>(res: Response): Promise<T> => {
    expect(res.status).toBe(200);
    return ((await res.json()) as { value: T }).value;
  };
  const get = async (input: Record<string, unknown>) =>
    value<MessageDetail>(await post('message.get', input));

  beforeAll(async () => {
    dovecot = await startDovecot();
    await dovecot.loadMaildir('INBOX', [
      {
        raw: makeMail({
          subject: 'Alternative',
          from: 'Mallory <mallory@evil.test>',
          text: 'MARKER hostile',
          html: HOSTILE_BODY,
        }),
      },
      { raw: htmlOnlyMail('HTML only', HOSTILE_BODY) },
    ]);
    t = await openService(SERVER_SERVICE_OPTIONS);
    token = await loadOrCreateToken(t.dataDir);
    app = await buildServer(t.svc, { token, loopbackOnly: true });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const account = await value<{ id: number }>(await post('account.add', accountInput(dovecot)));
    await value(await post('sync.run', { accountId: account.id }));
    const page = await value<{ messages: { id: number; subject: string }[] }>(
      await post('message.list', { accountId: account.id, path: 'INBOX' }),
    );
    for (const m of page.messages) ids.set(m.subject, m.id);
    expect([...ids.keys()].sort()).toEqual(['Alternative', 'HTML only']);
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
    await dovecot?.stop();
  });

  it('gives sanitized HTML by default: nothing that runs, submits, navigates or calls home', async () => {
    for (const [subject, id] of ids) {
      const detail = await get({ id });
      const html = detail.html ?? '';
      expect(html, subject).toContain('MARKER hostile');
      expect(dangers(parse(html)), subject).toEqual([]);
      expect(html, subject).not.toMatch(/javascript:|vbscript:|<script|<form|<meta|evil\.test/i);
      // The blocked image keeps its place and its words, and loads nothing.
      const banner = parse(html).querySelector('img[alt="Banner"]');
      expect(banner?.getAttribute('width'), subject).toBe('600');
      expect(banner?.hasAttribute('src'), subject).toBe(false);
      expect(detail.remoteContentAllowed).toBe(false);
      expect(detail.parseError).toBeNull();
    }
  });

  it('gives the HTML exactly as sent only with raw: true', async () => {
    for (const [subject, id] of ids) {
      const raw = await get({ id, raw: true });
      expect(raw.html, subject).toContain('<script>alert(1)</script>');
      expect(raw.html, subject).toContain('https://images.evil.test/banner.png');
      expect((await get({ id, raw: false })).html, subject).not.toContain('<script');
    }
    const wrong = await post('message.get', { id: ids.get('HTML only'), raw: 'yes' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('loads remote images of a sender the user allowed, and still nothing that runs', async () => {
    await value(await post('sender.remoteContent', { address: 'mallory@evil.test', allow: true }));
    try {
      for (const [subject, id] of ids) {
        const detail = await get({ id });
        expect(detail.remoteContentAllowed).toBe(true);
        const html = detail.html ?? '';
        const banner = parse(html).querySelector('img[alt="Banner"]');
        expect(banner?.getAttribute('src'), subject).toBe('https://images.evil.test/banner.png');
        // Tracking pixels go either way.
        expect(html, subject).not.toContain('t.evil.test');
        expect(dangers(parse(html)), subject).toEqual([]);
        expect(html, subject).not.toMatch(/javascript:|<script|<form|<meta/i);
      }
    } finally {
      await value(
        await post('sender.remoteContent', { address: 'mallory@evil.test', allow: false }),
      );
    }
  });
});
