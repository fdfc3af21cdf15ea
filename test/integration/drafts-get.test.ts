// draft.get against a real Dovecot and Postfix: a draft comes back as the compose input it
// was saved from, its attachments byte for byte (read back from the draft's MIME, since the
// stored input keeps no content), the newest version only, a forward's own attachments
// without those of the original; and what comes back sends as it is.
import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { sleep } from '../support/processes.js';
import { folderSources } from '../support/imap-read.js';
import { startPostfix, type PostfixServer } from '../support/postfix.js';
import { openService, type TestService } from '../support/service.js';

const DOMAIN = 'maildock.test';

let dovecot: DovecotServer;
let postfix: PostfixServer;
let t: TestService;

beforeEach(async () => {
  dovecot = await startDovecot({ users: [{ user: 'bob', password: 'bob-secret' }], lmtp: true });
  postfix = await startPostfix({ dovecot, domain: DOMAIN });
  t = await openService({ send: { delaySeconds: 0, timeoutMs: 5000 } });
});

afterEach(async () => {
  await t?.close();
  await postfix?.stop();
  await dovecot?.stop();
});

const alice = () => `${dovecot.user}@${DOMAIN}`;

async function addAlice() {
  const a = await t.call('account.add', {
    email: alice(),
    name: 'Alice Sender',
    imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user: dovecot.user },
    smtp: { host: '127.0.0.1', port: postfix.port, security: 'none', user: dovecot.user },
    password: dovecot.password,
  });
  await t.call('sync.run');
  return a;
}

/** Bob's Inbox straight from Dovecot, once Postfix has delivered `n` messages. */
async function bobsInbox(n: number): Promise<Buffer[]> {
  const until = Date.now() + 30_000;
  for (;;) {
    const out = await folderSources(dovecot.port, { user: 'bob', password: 'bob-secret' }, 'INBOX');
    if (out.length >= n || Date.now() > until) return out;
    await sleep(200);
  }
}

describe('draft.get', () => {
  it('gives back the newest version with its attachments byte for byte, ready to send', async () => {
    const a = await addAlice();
    const file = randomBytes(250_000);
    const image = randomBytes(3000);
    const first = await t.call('draft.save', {
      accountId: a.id,
      to: ['"Receiver, Bob" <bob@maildock.test>'],
      subject: 'Version one',
      text: 'one',
      attachments: [{ content: file.toString('base64'), filename: 'old.bin' }],
    });
    const attachments = [
      {
        content: file.toString('base64'),
        filename: 'data.bin',
        contentType: 'application/octet-stream',
      },
      {
        content: image.toString('base64'),
        filename: 'chart.png',
        contentType: 'image/png',
        contentId: 'chart@x',
      },
    ];
    await t.call('draft.save', {
      id: first.id!,
      to: ['"Receiver, Bob" <bob@maildock.test>'],
      cc: ['carol@maildock.test'],
      bcc: ['dave@maildock.test'],
      subject: 'Version two',
      text: 'The report is attached.',
      html: '<p>The report is attached. <img src="cid:chart@x"></p>',
      attachments,
    });

    const got = await t.call('draft.get', { id: first.id! });
    expect(got).toEqual({
      id: first.id,
      accountId: a.id,
      to: ['"Receiver, Bob" <bob@maildock.test>'],
      cc: ['carol@maildock.test'],
      bcc: ['dave@maildock.test'],
      subject: 'Version two',
      text: 'The report is attached.',
      html: '<p>The report is attached. <img src="cid:chart@x"></p>',
      attachments,
    });
    expect(Buffer.from(got.attachments[0]!.content!, 'base64').equals(file)).toBe(true);
    expect(Buffer.from(got.attachments[1]!.content!, 'base64').equals(image)).toBe(true);

    // What came back sends as it is, and the draft goes.
    const { id: _id, ...input } = got;
    await t.call('outbox.send', { ...input, cc: [], bcc: [], draftId: first.id! });
    await t.call('sync.run');
    const [raw] = await bobsInbox(1);
    const parsed = await simpleParser(raw!);
    expect(parsed.subject).toBe('Version two');
    expect(parsed.attachments.find((x) => x.filename === 'data.bin')?.content.equals(file)).toBe(
      true,
    );
    expect(parsed.attachments.find((x) => x.cid === 'chart@x')?.content.equals(image)).toBe(true);
    await expect(t.call('draft.get', { id: first.id! })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
  });

  it("keeps a reply's or forward's own words and attachments, not what the core adds", async () => {
    const a = await addAlice();
    const original = randomBytes(5000);
    await dovecot.append(
      'INBOX',
      Buffer.from(
        [
          `From: Bob <bob@${DOMAIN}>`,
          `To: ${alice()}`,
          'Subject: Plans',
          'Message-ID: <plans-1@maildock.test>',
          `Date: ${new Date().toUTCString()}`,
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="b"',
          '',
          '--b',
          'Content-Type: text/plain',
          '',
          'The plans are attached.',
          '--b',
          'Content-Type: application/pdf; name="plans.pdf"',
          'Content-Disposition: attachment; filename="plans.pdf"',
          'Content-Transfer-Encoding: base64',
          '',
          original.toString('base64'),
          '--b--',
          '',
        ].join('\r\n'),
      ),
    );
    await t.call('sync.run');
    const [message] = (await t.call('message.list', { path: 'INBOX', accountId: a.id })).messages;
    const mine = randomBytes(4000);
    const draft = await t.call('draft.save', {
      to: ['carol@maildock.test'],
      subject: 'Fwd: Plans',
      html: '<p>See below.</p>',
      text: 'See below.',
      reference: { id: message!.id, mode: 'forward' },
      attachments: [
        { content: mine.toString('base64'), filename: 'notes.pdf', contentType: 'application/pdf' },
      ],
    });
    // The draft's MIME holds both files and the quoted original.
    const mime = await simpleParser(
      t.svc.store.db.prepare('SELECT raw FROM drafts').pluck().get() as Buffer,
    );
    expect(mime.attachments.map((x) => x.filename).sort()).toEqual(['notes.pdf', 'plans.pdf']);

    const got = await t.call('draft.get', { id: draft.id! });
    expect(got).toMatchObject({
      accountId: a.id,
      to: ['carol@maildock.test'],
      subject: 'Fwd: Plans',
      html: '<p>See below.</p>',
      text: 'See below.',
      reference: { id: message!.id, mode: 'forward' },
    });
    expect(got.attachments).toHaveLength(1);
    expect(got.attachments[0]).toMatchObject({
      filename: 'notes.pdf',
      contentType: 'application/pdf',
    });
    expect(Buffer.from(got.attachments[0]!.content!, 'base64').equals(mine)).toBe(true);
  });
});
