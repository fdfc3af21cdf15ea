// What an import checks and keys of each message, and how an export names .eml files
// (core/transfer/message-bytes.ts, eml-names.ts).
import { describe, expect, it } from 'vitest';
import { UniqueNames, decodeHeader, emlName } from '../../main/core/transfer/eml-names.js';
import {
  headerBlock,
  headerFields,
  maildirFlags,
  malformed,
  mboxFlags,
  messageIdOf,
  messageKey,
  toCrlf,
  toLf,
} from '../../main/core/transfer/message-bytes.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('line ends', () => {
  it('makes bare LF CRLF and back, leaving CRLF and lone CR alone', () => {
    expect(toCrlf(b('a\nb\r\nc\rd\n')).toString('latin1')).toBe('a\r\nb\r\nc\rd\r\n');
    expect(toLf(b('a\r\nb\nc\rd\r\n')).toString('latin1')).toBe('a\nb\nc\rd\n');
    const same = b('a\r\nb');
    expect(toCrlf(same)).toBe(same);
  });
});

describe('malformed messages', () => {
  it('names what is wrong, and passes RFC 5322 headers (folded, 8-bit, no body)', () => {
    expect(malformed(b(''))).toMatch(/empty/);
    expect(malformed(b('\r\n\r\n  \r\n'))).toMatch(/empty/);
    expect(malformed(b('Hello there\r\n\r\nbody'))).toMatch(/header field/);
    expect(malformed(b('Subject: a\r\nnot a header\r\n\r\nbody'))).toMatch(/line 2/);
    expect(malformed(b('Subject: a\r\n  folded\r\nX-8: \xe4\r\n\r\nbody'))).toBeNull();
    expect(malformed(b(`Subject: ${'y'.repeat(100_000)}`))).toBeNull();
  });
});

describe('the key of a message', () => {
  it('is the SHA-256 of its bytes with its Message-ID', () => {
    const raw = b('Message-ID:\r\n <a@b.test>\r\nSubject: x\r\n\r\nhi\r\n');
    const id = messageIdOf(headerFields(headerBlock(raw)));
    expect(id).toBe('<a@b.test>');
    expect(messageKey(raw, id)).toMatch(/^[0-9a-f]{64} <a@b\.test>$/);
    expect(messageKey(raw, id)).not.toBe(messageKey(b(`${raw.toString('latin1')} `), id));
    expect(messageKey(raw, null)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('flags kept by the source', () => {
  it('reads Maildir infos, Status/X-Status and X-Mozilla-Status', () => {
    expect(maildirFlags('1700000000.M1P2.host,S=12:2,FRS').sort()).toEqual(
      ['\\Answered', '\\Flagged', '\\Seen'].sort(),
    );
    expect(maildirFlags('1700000000.M1P2.host!2,DT').sort()).toEqual(['\\Deleted', '\\Draft']);
    expect(maildirFlags('1700000000.M1P2.host')).toEqual([]);
    const fields = headerFields('Status: RO\r\nX-Status: AF');
    expect(mboxFlags(fields).flags.sort()).toEqual(['\\Answered', '\\Flagged', '\\Seen']);
    expect(mboxFlags(headerFields('X-Mozilla-Status: 0005'))).toEqual({
      flags: ['\\Seen', '\\Flagged'],
      expunged: false,
    });
    expect(mboxFlags(headerFields('X-Mozilla-Status: 0009')).expunged).toBe(true);
  });
});

describe('.eml file names', () => {
  const at = new Date(Date.UTC(2024, 0, 31, 14, 5));

  it('come from the date and the decoded subject, safe on every filesystem', () => {
    expect(emlName(b('Subject: Hello: a/b?\r\n\r\n'), at)).toBe('2024-01-31 1405 Hello a b.eml');
    expect(
      emlName(b('Subject: =?UTF-8?B?R3LDvMOfZQ==?= =?iso-8859-1?Q?K=F6ln_!?=\r\n\r\n'), at),
    ).toBe('2024-01-31 1405 GrüßeKöln !.eml');
    expect(emlName(b('Subject: CON\r\n\r\n'), null)).toBe('CON_.eml');
    expect(emlName(b('X: y\r\n\r\n'), null)).toBe('message.eml');
    const long = emlName(
      b(`Subject: ${'\u{1F600}'.repeat(100)}\r\n\r\n`.replace(/./gu, (c) => c)),
      at,
    );
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(210);
    expect(decodeHeader('=?utf-8?q?caf=C3=A9?=')).toBe('café');
  });

  it('are unique as case-insensitive filesystems compare them', () => {
    const names = new UniqueNames();
    expect(names.take('A.eml')).toBe('A.eml');
    expect(names.take('a.eml')).toBe('a (2).eml');
    expect(names.take('A.eml')).toBe('A (3).eml');
  });
});
