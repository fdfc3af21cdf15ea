// List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058) as senders really write
// them, read from the header lines the sync fetches; and the mailto: URIs (RFC 6068) an
// unsubscribe mail is made from.
import type { FetchMessageObject } from 'imapflow';
import { describe, expect, it } from 'vitest';
import {
  MAX_UNSUBSCRIBE_URI,
  parseListUnsubscribe,
  unsubscribeUris,
} from '../../main/core/mime/list-unsubscribe.js';
import { parseMailto } from '../../main/core/send/mailto.js';
import { toHeaderRecord } from '../../main/core/sync/envelope.js';

/** A FETCH answer whose header lines are these (as BODY[HEADER.FIELDS (...)] gives them). */
const fetched = (lines: string) =>
  toHeaderRecord({
    seq: 1,
    uid: 7,
    headers: Buffer.from(lines ? `${lines}\r\n\r\n` : '\r\n', 'latin1'),
  } as FetchMessageObject);

describe('List-Unsubscribe headers', () => {
  it('reads a folded header with both URIs and the one-click header, as a bulk sender sends it', () => {
    const record = fetched(
      [
        'References: <a@x.test>',
        'List-Unsubscribe: <mailto:unsub-42@lists.example.com?subject=unsubscribe>,',
        ' <https://lists.example.com/unsub/42?t=abc>',
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
      ].join('\r\n'),
    );
    expect(record.references).toEqual(['<a@x.test>']);
    expect(record.unsubscribe).toEqual({
      https: 'https://lists.example.com/unsub/42?t=abc',
      mailto: 'mailto:unsub-42@lists.example.com?subject=unsubscribe',
      oneClick: true,
    });
  });

  it('takes no one-click without the Post header, nor with a Post header but no https: link', () => {
    expect(fetched('List-Unsubscribe: <https://l.example.com/u>').unsubscribe).toEqual({
      https: 'https://l.example.com/u',
      mailto: null,
      oneClick: false,
    });
    expect(
      fetched(
        'List-Unsubscribe: <mailto:u@l.example.com>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click',
      ).unsubscribe,
    ).toEqual({ https: null, mailto: 'mailto:u@l.example.com', oneClick: false });
    // Another key or value is not RFC 8058's.
    expect(
      parseListUnsubscribe('<https://l.example.com/u>', 'List-Unsubscribe=Two-Clicks')?.oneClick,
    ).toBe(false);
    expect(
      parseListUnsubscribe('<https://l.example.com/u>', ' list-unsubscribe = one-click ')?.oneClick,
    ).toBe(true);
  });

  it('skips comments, keeps the first of each kind, and drops http:, javascript: and the rest', () => {
    expect(
      parseListUnsubscribe(
        '(Use this one) <http://clear.example.com/u>, <javascript:alert(1)>, <ftp://f.example.com/>, ' +
          '(not <https://comment.example.com/>) <https://first.example.com/u>, ' +
          '<https://second.example.com/u>, <MAILTO:a@l.example.com>, <mailto:b@l.example.com>',
        'List-Unsubscribe=One-Click',
      ),
    ).toEqual({
      https: 'https://first.example.com/u',
      mailto: 'mailto:a@l.example.com',
      oneClick: true,
    });
    expect(parseListUnsubscribe('<http://clear.example.com/u>', 'List-Unsubscribe=One-Click')).toBe(
      null,
    );
    expect(fetched('List-Unsubscribe: <http://clear.example.com/u>').unsubscribe).toBeNull();
    // Credentials in the link, a mailto: without an address.
    expect(parseListUnsubscribe('<https://u:p@l.example.com/>, <mailto:?subject=x>', null)).toBe(
      null,
    );
  });

  it('reads bare URIs when the sender left the angle brackets out', () => {
    expect(
      parseListUnsubscribe('mailto:leave@l.example.com, https://l.example.com/leave', null),
    ).toEqual({
      https: 'https://l.example.com/leave',
      mailto: 'mailto:leave@l.example.com',
      oneClick: false,
    });
    expect(unsubscribeUris('unsubscribe here, (comment) mailto:x@l.example.com')).toEqual([
      'mailto:x@l.example.com',
    ]);
  });

  it('joins a URI folded inside its brackets, and drops one longer than the cap', () => {
    const record = fetched(
      'List-Unsubscribe: <https://l.example.com/unsubscribe/\r\n  0123456789abcdef>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    expect(record.unsubscribe).toEqual({
      https: 'https://l.example.com/unsubscribe/0123456789abcdef',
      mailto: null,
      oneClick: true,
    });
    const long = `https://l.example.com/${'a'.repeat(MAX_UNSUBSCRIBE_URI)}`;
    expect(parseListUnsubscribe(`<${long}>, <mailto:u@l.example.com>`, null)).toEqual({
      https: null,
      mailto: 'mailto:u@l.example.com',
      oneClick: false,
    });
  });

  it('finds nothing where the message has none of the header lines', () => {
    expect(fetched('').unsubscribe).toBeNull();
    expect(fetched('References: <a@x.test>').unsubscribe).toBeNull();
    expect(toHeaderRecord({ seq: 1, uid: 1 } as FetchMessageObject).unsubscribe).toBeNull();
    // The Post header alone is no way to unsubscribe.
    expect(fetched('List-Unsubscribe-Post: List-Unsubscribe=One-Click').unsubscribe).toBeNull();
  });
});

describe('mailto: URIs of unsubscribe addresses', () => {
  it('takes the address, subject and body, decoded', () => {
    expect(
      parseMailto('mailto:leave%2Bx@l.example.com?subject=Unsubscribe%20me&body=Remove%0D%0Ame'),
    ).toEqual({ to: ['leave+x@l.example.com'], subject: 'Unsubscribe me', text: 'Remove\nme' });
  });

  it('says "unsubscribe" where the URI gives no subject or body, and adds to= addresses', () => {
    expect(parseMailto('mailto:a@l.example.com?to=b@l.example.com')).toEqual({
      to: ['a@l.example.com', 'b@l.example.com'],
      subject: 'unsubscribe',
      text: 'unsubscribe',
    });
  });

  it('leaves out cc and bcc, and keeps a subject on one line', () => {
    expect(
      parseMailto('mailto:a@l.example.com?cc=boss@corp.test&bcc=x@y.test&subject=a%0D%0ABcc:%20z'),
    ).toEqual({ to: ['a@l.example.com'], subject: 'a Bcc: z', text: 'unsubscribe' });
  });

  it('refuses a URI without a usable address', () => {
    for (const uri of ['mailto:?subject=x', 'mailto:not-an-address', 'mailto:a%ZZ@x', 'https://x/'])
      expect(() => parseMailto(uri), uri).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
  });
});
