// Which parts are text, which are files to list and which belong to the body, read the same
// way from the whole message (parseBody) and from the server's BODYSTRUCTURE
// (summarizeStructure, for messages fetched as their text parts): the list's paperclip, the
// reader and search see one answer whichever way a message was synced. The structures are
// written as imapflow gives them from Dovecot.
import type { MessageStructureObject } from 'imapflow';
import { describe, expect, test } from 'vitest';
import { parseBody } from '../../main/core/mime/parse.js';
import type { ParsedBody } from '../../main/core/mime/parse.js';
import type { MessageStructure } from '../../main/core/mime/structure.js';
import { summarizeStructure } from '../../main/core/sync/envelope.js';

const mail = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'));
const base64Lines = (buf: Buffer): string => buf.toString('base64').replace(/.{76}/g, '$&\r\n');
const PNG = base64Lines(Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex'));
const PDF = base64Lines(Buffer.from('%PDF-1.4\n' + 'x'.repeat(300) + '\n%%EOF\n'));

type Node = MessageStructureObject;
const multipart = (subtype: string, childNodes: Node[], part?: string): Node =>
  ({ ...(part ? { part } : {}), type: `multipart/${subtype}`, childNodes }) as Node;
const leaf = (part: string, type: string, extra: Partial<Node> = {}): Node =>
  ({ part, type, encoding: '7bit', size: 400, ...extra }) as Node;

/** The files a reader lists (name, else type) and the parts that belong to the body. */
function parsedRoles(body: ParsedBody) {
  return {
    files: body.attachments.filter((a) => !a.inline).map((a) => a.filename ?? a.contentType),
    inBody: body.attachments.filter((a) => a.inline).map((a) => a.filename ?? a.contentType),
  };
}

function structureRoles(s: MessageStructure | null) {
  return {
    files: s!.attachments.filter((a) => !a.inline).map((a) => a.filename ?? a.type),
    inBody: s!.attachments.filter((a) => a.inline).map((a) => a.filename ?? a.type),
  };
}

async function bothWays(raw: Buffer, structure: Node) {
  const body = await parseBody(raw);
  const summary = summarizeStructure(structure);
  const parsed = parsedRoles(body);
  // The store keeps the parser's list with the server's part numbers, matched by position.
  expect(structureRoles(summary)).toEqual(parsed);
  return { body, summary, ...parsed };
}

describe('attachments marked inline (Apple Mail)', () => {
  const raw = mail(
    'Subject: Signed contract',
    'X-Mailer: Apple Mail (2.3774.500.171.1.1)',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Here is the contract.',
    '--b',
    'Content-Type: application/pdf; name="contract.pdf"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: inline; filename="contract.pdf"',
    '',
    PDF,
    '--b',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Signed on page two.',
    '--b--',
    '',
  );
  const structure = multipart('mixed', [
    leaf('1', 'text/plain', { parameters: { charset: 'us-ascii' } }),
    leaf('2', 'application/pdf', {
      encoding: 'base64',
      parameters: { name: 'contract.pdf' },
      disposition: 'inline',
      dispositionParameters: { filename: 'contract.pdf' },
    }),
    leaf('3', 'text/plain', { parameters: { charset: 'us-ascii' } }),
  ]);

  test('a document is a file, whatever its disposition says; the text around it is text', async () => {
    const { body, summary, files, inBody } = await bothWays(raw, structure);
    expect(files).toEqual(['contract.pdf']);
    expect(inBody).toEqual([]);
    expect(summary!.textParts).toEqual(['1', '3']);
    expect(body.text).toContain('Here is the contract.');
    expect(body.text).toContain('Signed on page two.');
  });

  test('an image marked inline with no Content-ID is a file too; one with a Content-ID is shown', async () => {
    const photos = mail(
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Photos from Sunday.',
      '--b',
      'Content-Type: image/png; name="beach.png"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: inline; filename="beach.png"',
      '',
      PNG,
      '--b',
      'Content-Type: image/png; name="logo.png"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: inline; filename="logo.png"',
      'Content-ID: <logo@example.test>',
      '',
      PNG,
      '--b--',
      '',
    );
    const { files, inBody } = await bothWays(
      photos,
      multipart('mixed', [
        leaf('1', 'text/plain'),
        leaf('2', 'image/png', {
          encoding: 'base64',
          parameters: { name: 'beach.png' },
          disposition: 'inline',
          dispositionParameters: { filename: 'beach.png' },
        }),
        leaf('3', 'image/png', {
          encoding: 'base64',
          id: '<logo@example.test>',
          parameters: { name: 'logo.png' },
          disposition: 'inline',
          dispositionParameters: { filename: 'logo.png' },
        }),
      ]),
    );
    expect(files).toEqual(['beach.png']);
    expect(inBody).toEqual(['logo.png']);
  });
});

describe('images of the HTML in multipart/related', () => {
  const related = (disposition: string | null) =>
    mail(
      'MIME-Version: 1.0',
      'Content-Type: multipart/related; boundary="r"; type="text/html"',
      '',
      '--r',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Chart:</p><img src="cid:chart@example.test">',
      '--r',
      'Content-Type: image/png; name="chart.png"',
      'Content-Transfer-Encoding: base64',
      'Content-ID: <chart@example.test>',
      ...(disposition ? [`Content-Disposition: ${disposition}; filename="chart.png"`] : []),
      '',
      PNG,
      '--r--',
      '',
    );
  const structure = (disposition: string | null) =>
    multipart('related', [
      leaf('1', 'text/html', { parameters: { charset: 'utf-8' } }),
      leaf('2', 'image/png', {
        encoding: 'base64',
        id: '<chart@example.test>',
        parameters: { name: 'chart.png' },
        ...(disposition ? { disposition, dispositionParameters: { filename: 'chart.png' } } : {}),
      }),
    ]);

  test.each([
    ['no Content-Disposition, only a name', null],
    ['Content-Disposition inline', 'inline'],
  ])('%s: shown in the body, not listed', async (_, disposition) => {
    const { files, inBody, summary } = await bothWays(related(disposition), structure(disposition));
    expect(files).toEqual([]);
    expect(inBody).toEqual(['chart.png']);
    expect(summary!.attachments[0]!.contentId).toBe('<chart@example.test>');
  });

  test('marked as an attachment, it is listed', async () => {
    const { files } = await bothWays(related('attachment'), structure('attachment'));
    expect(files).toEqual(['chart.png']);
  });
});

describe('multipart/alternative', () => {
  const raw = mail(
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="a"',
    '',
    '--a',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Plain words.',
    '--a',
    'Content-Type: text/enriched',
    '',
    '<bold>Enriched words.</bold>',
    '--a',
    'Content-Type: text/watch-html; charset=utf-8',
    '',
    '<b>Watch words.</b>',
    '--a',
    'Content-Type: text/calendar; charset=utf-8; method=REQUEST',
    '',
    'BEGIN:VCALENDAR',
    'END:VCALENDAR',
    '--a',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>HTML words.</p>',
    '--a--',
    '',
  );
  const structure = multipart('alternative', [
    leaf('1', 'text/plain'),
    leaf('2', 'text/enriched'),
    leaf('3', 'text/watch-html'),
    leaf('4', 'text/calendar', { parameters: { method: 'REQUEST' } }),
    leaf('5', 'text/html'),
  ]);

  test('other renderings of the text are no files; an invitation is one', async () => {
    const { body, summary, files, inBody } = await bothWays(raw, structure);
    expect(files).toEqual(['text/calendar']);
    expect(inBody).toEqual(['text/enriched', 'text/watch-html']);
    expect(summary!.textParts).toEqual(['1', '5']);
    expect(body.text).toContain('Plain words.');
    expect(body.text).not.toContain('Enriched');
  });
});

describe('a Content-Type with no subtype (RFC 2045: text/plain)', () => {
  test('the whole message is its text', async () => {
    const raw = mail(
      'MIME-Version: 1.0',
      'Content-Type: text; charset=utf-8',
      '',
      'Привет, this is the text.',
      '',
    );
    // Dovecot gives such a part as NIL NIL, which imapflow makes "/".
    const { body, summary, files } = await bothWays(raw, leaf('1', '/'));
    expect(files).toEqual([]);
    expect(summary!.textParts).toEqual(['1']);
    expect(body.text).toBe('Привет, this is the text.\n');
  });

  test('a part of a multipart, and one with an empty type', async () => {
    const raw = mail(
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text; charset=utf-8',
      '',
      'First part.',
      '--b',
      'Content-Type: ; charset=utf-8',
      '',
      'Second part.',
      '--b--',
      '',
    );
    const { body, summary, files } = await bothWays(
      raw,
      multipart('mixed', [leaf('1', '/'), leaf('2', '/')]),
    );
    expect(files).toEqual([]);
    expect(summary!.textParts).toEqual(['1', '2']);
    expect(body.text).toContain('First part.');
    expect(body.text).toContain('Second part.');
  });
});

describe('forwarded messages', () => {
  const forward = (disposition: string) =>
    mail(
      'Subject: Fwd: minutes',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'See below.',
      '--b',
      'Content-Type: message/rfc822',
      `Content-Disposition: ${disposition}; filename="minutes.eml"`,
      '',
      'Subject: minutes',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="i"',
      '',
      '--i',
      'Content-Type: multipart/alternative; boundary="a"',
      '',
      '--a',
      'Content-Type: text/plain',
      '',
      'Inner plain words.',
      '--a',
      'Content-Type: text/html',
      '',
      '<p>Inner HTML words.</p>',
      '--a--',
      '--i',
      'Content-Type: application/pdf; name="agenda.pdf"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="agenda.pdf"',
      '',
      PDF,
      '--i--',
      '--b--',
      '',
    );
  const structure = (disposition: string) =>
    multipart('mixed', [
      leaf('1', 'text/plain'),
      leaf('2', 'message/rfc822', {
        disposition,
        dispositionParameters: { filename: 'minutes.eml' },
        childNodes: [
          multipart(
            'mixed',
            [
              multipart(
                'alternative',
                [leaf('2.1.1', 'text/plain'), leaf('2.1.2', 'text/html')],
                '2.1',
              ),
              leaf('2.2', 'application/pdf', {
                encoding: 'base64',
                parameters: { name: 'agenda.pdf' },
                disposition: 'attachment',
                dispositionParameters: { filename: 'agenda.pdf' },
              }),
            ],
            '2',
          ),
        ],
      }),
    ]);

  test('in line: its text is the message text, its files are listed with the message', async () => {
    const { body, summary, files } = await bothWays(forward('inline'), structure('inline'));
    expect(summary!.textParts).toEqual(['1', '2.1.1', '2.1.2']);
    expect(files).toEqual(['agenda.pdf']);
    expect(summary!.attachments.map((a) => a.part)).toEqual(['2.2']);
    expect(body.searchText ?? body.text).toContain('Inner plain words.');
  });

  test('attached: one file, its text not the message text', async () => {
    const { body, summary, files } = await bothWays(forward('attachment'), structure('attachment'));
    expect(summary!.textParts).toEqual(['1']);
    expect(files).toEqual(['minutes.eml']);
    expect(body.text).not.toContain('Inner');
  });

  test('in line with a body of one part: that part is part 1 of the forwarded message', () => {
    const summary = summarizeStructure(
      multipart('mixed', [
        leaf('1', 'text/plain'),
        leaf('2', 'message/rfc822', {
          disposition: 'inline',
          childNodes: [leaf('2', 'text/plain')],
        }),
      ]),
    );
    expect(summary).toEqual({ textParts: ['1', '2.1'], attachments: [] });
  });

  test('in line but base64: mailparser does not open it, so it stays one file', async () => {
    const inner = Buffer.from('Subject: x\r\nContent-Type: text/plain\r\n\r\nInner words.\r\n');
    const raw = mail(
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Outer.',
      '--b',
      'Content-Type: message/rfc822',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: inline',
      '',
      base64Lines(inner),
      '--b--',
      '',
    );
    const { files } = await bothWays(
      raw,
      multipart('mixed', [
        leaf('1', 'text/plain'),
        leaf('2', 'message/rfc822', {
          encoding: 'base64',
          disposition: 'inline',
          childNodes: [leaf('2', 'text/plain')],
        }),
      ]),
    );
    expect(files).toEqual(['message/rfc822']);
  });
});

describe('bounces', () => {
  test('the delivery report is text, the returned message a file', async () => {
    const raw = mail(
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
      '',
      '--r',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Your message could not be delivered.',
      '--r',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.org',
      '',
      'Final-Recipient: rfc822; nobody@example.net',
      'Action: failed',
      'Diagnostic-Code: smtp; 550 5.1.1 mailboxunknown',
      '--r',
      'Content-Type: message/rfc822',
      '',
      'Subject: hello',
      '',
      'Returned words.',
      '--r--',
      '',
    );
    const { body, summary, files } = await bothWays(
      raw,
      multipart('report', [
        leaf('1', 'text/plain'),
        leaf('2', 'message/delivery-status'),
        leaf('3', 'message/rfc822', { childNodes: [leaf('3', 'text/plain')] }),
      ]),
    );
    expect(summary!.textParts).toEqual(['1', '2']);
    expect(files).toEqual(['message/rfc822']);
    expect(body.text).toContain('mailboxunknown');
    expect(body.text).not.toContain('Returned words');
  });
});
