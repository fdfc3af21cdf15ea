// Composing outgoing mail (new, reply, reply all, forward inline and as attachment) and the
// retry policy, without a server.
import { simpleParser, type ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { forwardSubject, replySubject } from '../../common/subjects.js';
import { compose, quoteText, withDate, type Original } from '../../main/core/send/compose.js';
import { DEFAULT_RETRY, judge, nextAttemptAt } from '../../main/core/send/policy.js';

const me = { name: 'Me Myself', email: 'me@example.test' };
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

function original(over: Partial<Original> = {}): Original {
  return {
    messageId: '<orig-2@example.test>',
    references: ['<root-1@example.test>'],
    subject: 'Budget for 2025',
    from: [{ name: 'Alice', address: 'alice@example.test' }],
    to: [
      { name: 'Me', address: 'ME@example.test' },
      { name: 'Bob', address: 'bob@example.test' },
    ],
    cc: [{ name: 'Carol', address: 'carol@example.test' }],
    date: '2024-03-01T10:00:00.000Z',
    text: 'Here are the numbers.\n> an older quote\n',
    html: null,
    ...over,
  };
}

const parse = async (raw: Buffer): Promise<ParsedMail> => simpleParser(raw);
const addresses = (v: ParsedMail['to']) =>
  (Array.isArray(v) ? v : v ? [v] : []).flatMap((a) => a.value.map((x) => x.address));

describe('compose', () => {
  it('builds text with an HTML alternative, a file attachment and an inline image, Bcc only in the envelope', async () => {
    const attachment = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));
    const c = await compose({
      identity: me,
      to: ['Bob <bob@example.test>'],
      cc: ['carol@example.test'],
      bcc: ['hidden@example.test'],
      subject: 'Plans ✈',
      text: 'See the plan.',
      html: '<p>See the <b>plan</b>: <img src="cid:logo@maildock"></p>',
      attachments: [
        { content: attachment, filename: 'data.bin', contentType: 'application/octet-stream' },
        {
          content: png,
          filename: 'logo.png',
          contentType: 'image/png',
          contentId: 'logo@maildock',
        },
      ],
    });
    expect(c.recipients).toEqual(['bob@example.test', 'carol@example.test', 'hidden@example.test']);
    expect(c.messageId).toMatch(/^<[0-9a-f-]{36}@example\.test>$/);
    const raw = c.raw.toString('latin1');
    expect(raw).not.toMatch(/^bcc:/im);
    expect(raw).not.toContain('hidden@example.test');
    const m = await parse(c.raw);
    expect(m.messageId).toBe(c.messageId);
    expect(m.subject).toBe('Plans ✈');
    expect(m.from?.value[0]).toEqual({ name: 'Me Myself', address: 'me@example.test' });
    expect(m.text?.trim()).toBe('See the plan.');
    expect(m.html).toContain('<b>plan</b>');
    const bin = m.attachments.find((a) => a.filename === 'data.bin')!;
    expect(bin.content.equals(attachment)).toBe(true);
    const logo = m.attachments.find((a) => a.filename === 'logo.png')!;
    expect(logo.cid).toBe('logo@maildock');
    expect(logo.content.equals(png)).toBe(true);
    expect(raw).toMatch(/multipart\/related/);
  });

  it('replies to the sender with threading headers, one Re: and the quoted original', async () => {
    const c = await compose({
      identity: me,
      to: [],
      cc: [],
      bcc: [],
      text: 'Thanks!',
      attachments: [],
      mode: 'reply',
      original: original(),
    });
    expect(c.subject).toBe('Re: Budget for 2025');
    expect(c.inReplyTo).toBe('<orig-2@example.test>');
    expect(c.references).toEqual(['<root-1@example.test>', '<orig-2@example.test>']);
    expect(c.recipients).toEqual(['alice@example.test']);
    const m = await parse(c.raw);
    expect(m.inReplyTo).toBe('<orig-2@example.test>');
    expect(m.references).toEqual(['<root-1@example.test>', '<orig-2@example.test>']);
    expect(m.text).toContain('Thanks!');
    expect(m.text).toContain('alice@example.test> wrote:');
    expect(m.text).toContain('> Here are the numbers.');
    expect(m.text).toContain('>> an older quote');

    const again = await compose({
      identity: me,
      to: [],
      cc: [],
      bcc: [],
      attachments: [],
      mode: 'reply',
      original: original({ subject: 'RE: Budget for 2025' }),
    });
    expect(again.subject).toBe('RE: Budget for 2025');
  });

  it('adds no quote to a reply whose text quotes the original already, as edited', async () => {
    const c = await compose({
      identity: me,
      to: [],
      cc: [],
      bcc: [],
      text: 'Thanks!\n\n> Here are the edited numbers.',
      html: '<p>Thanks!</p><blockquote><p>Here are the edited numbers.</p></blockquote>',
      attachments: [],
      mode: 'reply',
      original: original(),
      quoted: true,
    });
    expect(c.inReplyTo).toBe('<orig-2@example.test>');
    expect(c.recipients).toEqual(['alice@example.test']);
    const m = await parse(c.raw);
    expect(m.text?.trim()).toBe('Thanks!\n\n> Here are the edited numbers.');
    expect(m.html).toBe(
      '<p>Thanks!</p><blockquote><p>Here are the edited numbers.</p></blockquote>',
    );
  });

  it('replies to all without writing to itself, and quotes HTML in a blockquote', async () => {
    const c = await compose({
      identity: me,
      to: [],
      cc: ['dave@example.test'],
      bcc: [],
      text: 'Agreed.',
      html: '<p>Agreed.</p>',
      attachments: [],
      mode: 'reply-all',
      original: original({ html: '<p>Here are the <i>numbers</i>.</p>' }),
    });
    expect(c.to).toEqual(['alice@example.test', 'bob@example.test']);
    expect(c.recipients).toEqual([
      'alice@example.test',
      'bob@example.test',
      'carol@example.test',
      'dave@example.test',
    ]);
    const m = await parse(c.raw);
    expect(addresses(m.cc)).toEqual(['carol@example.test', 'dave@example.test']);
    expect(m.html).toContain('<blockquote type="cite"><p>Here are the <i>numbers</i>.</p>');
  });

  it('forwards inline with the original header block and attachments, and as an attachment', async () => {
    const fileBytes = Buffer.from('attached numbers\n');
    const o = original({
      attachments: [{ content: fileBytes, filename: 'numbers.txt', contentType: 'text/plain' }],
      raw: Buffer.from(
        'From: alice@example.test\r\nSubject: Budget for 2025\r\nMessage-ID: <orig-2@example.test>\r\n\r\nHere are the numbers.\r\n',
      ),
    });
    const inline = await compose({
      identity: me,
      to: ['erin@example.test'],
      cc: [],
      bcc: [],
      text: 'FYI',
      attachments: [],
      mode: 'forward',
      original: o,
    });
    expect(inline.subject).toBe('Fwd: Budget for 2025');
    expect(inline.inReplyTo).toBeNull();
    const m = await parse(inline.raw);
    expect(m.text).toContain('---------- Forwarded message ---------');
    expect(m.text).toContain('Subject: Budget for 2025');
    expect(m.text).toContain('Here are the numbers.');
    expect(m.attachments[0]!.content.equals(fileBytes)).toBe(true);

    const asFile = await compose({
      identity: me,
      to: ['erin@example.test'],
      cc: [],
      bcc: [],
      attachments: [],
      mode: 'forward-attachment',
      original: o,
      subject: 'Fwd: see attached',
    });
    expect(asFile.subject).toBe('Fwd: see attached');
    expect(asFile.references).toEqual(['<orig-2@example.test>']);
    // The original travels whole, as a message/rfc822 part of its own.
    const raw = asFile.raw.toString('latin1');
    expect(raw).toMatch(/Content-Type: message\/rfc822[^]*?\r\n\r\n([^]*?)\r\n--/);
    const part = /Content-Type: message\/rfc822[^]*?\r\n\r\n([^]*?)\r\n--/.exec(raw)![1]!;
    expect(Buffer.from(part, 'latin1').equals(o.raw!)).toBe(true);
  });

  it('re-dates a message sent later, in the top-level header only', async () => {
    const c = await compose({
      identity: me,
      to: ['bob@example.test'],
      cc: [],
      bcc: [],
      text: 'Date: in the body stays',
      attachments: [],
      date: new Date('2020-01-01T00:00:00Z'),
    });
    const later = withDate(c.raw, new Date('2030-06-01T12:00:00Z'));
    const m = await parse(later);
    expect(m.date?.toISOString()).toBe('2030-06-01T12:00:00.000Z');
    expect(m.messageId).toBe(c.messageId);
    expect(m.text?.trim()).toBe('Date: in the body stays');
    expect(later.toString().match(/^Date:/gm)).toHaveLength(2);
  });

  it('refuses what is not an address', async () => {
    await expect(
      compose({ identity: me, to: ['not an address'], cc: [], bcc: [], attachments: [] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('handles subject prefixes and quoting', () => {
    expect(replySubject('Hello')).toBe('Re: Hello');
    expect(replySubject('Re: Hello')).toBe('Re: Hello');
    expect(replySubject('AW: Hallo')).toBe('AW: Hallo');
    expect(forwardSubject('Fw: Hello')).toBe('Fw: Hello');
    expect(forwardSubject('Re: Hello')).toBe('Fwd: Re: Hello');
    expect(quoteText('a\n\n> b\n')).toBe('> a\n>\n>> b');
  });
});

describe('retry policy', () => {
  const f = (responseCode: number | null, code: string | null = null) => ({
    responseCode,
    reason: responseCode ? `${responseCode} the server's words` : 'connection closed',
    code,
    command: null,
  });

  it('waits on 4xx and lost connections, gives up on 5xx, never resends after the end of DATA', () => {
    expect(judge(f(451), false)).toEqual({
      kind: 'retry',
      error: {
        code: 'SEND_FAILED',
        message: "451 the server's words",
        fields: { responseCode: 451 },
      },
    });
    expect(judge(f(550), false)).toEqual({
      kind: 'failed',
      error: {
        code: 'SMTP_REJECTED',
        message: "550 the server's words",
        fields: { responseCode: 550 },
      },
    });
    expect(judge(f(null, 'ECONNREFUSED'), false)).toMatchObject({
      kind: 'retry',
      error: { code: 'HOST_UNREACHABLE' },
    });
    expect(judge(f(null, 'ETIMEDOUT'), false)).toMatchObject({
      kind: 'retry',
      error: { code: 'TIMEOUT' },
    });
    expect(judge(f(null, 'ECONNECTION'), true)).toMatchObject({
      kind: 'maybe-sent',
      error: { code: 'CONNECTION_LOST', fields: { maybeSent: true } },
    });
    // A reply after the end of DATA is a definite answer.
    expect(judge(f(250 + 200), true).kind).toBe('retry');
    expect(judge(f(554), true).kind).toBe('failed');
    expect(judge(f(null, 'ETLS'), false)).toMatchObject({
      kind: 'failed',
      error: { code: 'TLS_FAILED' },
    });
  });

  it('backs off exponentially up to a ceiling', () => {
    const p = { baseMs: 1000, maxMs: 10_000 };
    expect(nextAttemptAt(1, p, 0)).toBe(1000);
    expect(nextAttemptAt(2, p, 0)).toBe(2000);
    expect(nextAttemptAt(4, p, 0)).toBe(8000);
    expect(nextAttemptAt(9, p, 0)).toBe(10_000);
    expect(DEFAULT_RETRY.baseMs).toBeGreaterThan(0);
  });
});
