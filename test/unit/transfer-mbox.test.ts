// The mbox reader and writer (core/transfer/mbox-read.ts, mbox-write.ts): mboxrd quoting on
// the way out and its exact undoing on the way in, mboxo files as Thunderbird writes them,
// CRLF files, messages without a final line end, and files read in pieces, never whole.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countMbox, fromLineDate, readMbox } from '../../main/core/transfer/mbox-read.js';
import { asctime, fromLine, mboxBody, senderOf } from '../../main/core/transfer/mbox-write.js';
import { toCrlf, toLf } from '../../main/core/transfer/message-bytes.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'maildock-mbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function fileOf(content: Buffer | string): string {
  const file = path.join(dir, `m${++files}`);
  writeFileSync(file, content);
  return file;
}

async function readAll(file: string, maxBytes = 1 << 30) {
  const out = [];
  for await (const m of readMbox(file, { maxBytes })) out.push(m);
  return out;
}

/** An mbox file as Maildock's export writes it. */
function written(messages: Buffer[], date = new Date(Date.UTC(2024, 0, 5, 7, 8, 9))): Buffer {
  return Buffer.concat(
    messages.flatMap((m) => [Buffer.from(fromLine(m, date), 'latin1'), ...mboxBody(m)]),
  );
}

const HOSTILE = [
  'From: a@x.test\r\nSubject: quoting\r\n\r\nFrom here on\r\n>From there\r\n>>From far\r\nFromage\r\n>From\r\n',
  'From: b@x.test\r\nSubject: no final line end\r\n\r\nlast line',
  'From: c@x.test\r\nSubject: blank lines\r\n\r\n\r\n\r\nFrom the top after a blank line\r\n\r\n',
  'From: d@x.test\r\nSubject: 8bit\r\n\r\nGr\xfc\xdfe aus K\xf6ln, \x80\xff\r\n',
  'From: e@x.test\r\nSubject: lone CR\r\n\r\nbare\rcr\r\n',
];

describe('mboxrd as Maildock writes it', () => {
  it('quotes every line that starts with >*From, and nothing else', () => {
    const body = Buffer.concat(mboxBody(Buffer.from(HOSTILE[0]!, 'latin1'))).toString('latin1');
    expect(body).toBe(
      'From: a@x.test\nSubject: quoting\n\n>From here on\n>>From there\n>>>From far\nFromage\n>From\n\n',
    );
  });

  it('writes a From line with the sender and the date in asctime, UTC', () => {
    const raw = Buffer.from('Return-Path: <bounce@x.test>\r\nFrom: Ann <ann@x.test>\r\n\r\nhi\r\n');
    expect(fromLine(raw, new Date(Date.UTC(2024, 1, 3, 4, 5, 6)))).toBe(
      'From bounce@x.test Sat Feb  3 04:05:06 2024\n',
    );
    expect(senderOf(Buffer.from('From: "A B" <a.b@x.test>\r\n\r\n'))).toBe('a.b@x.test');
    expect(senderOf(Buffer.from('Subject: none\r\n\r\n'))).toBe('MAILER-DAEMON');
    expect(asctime(new Date(Date.UTC(2023, 11, 31, 23, 59, 59)))).toBe('Sun Dec 31 23:59:59 2023');
  });

  it('reads back exactly what it wrote, message by message (CRLF made LF)', async () => {
    const messages = HOSTILE.map((m) => Buffer.from(m, 'latin1'));
    const read = await readAll(fileOf(written(messages)));
    expect(read.map((m) => m.raw!.toString('latin1'))).toEqual(
      messages.map((m) => toLf(m).toString('latin1')),
    );
    // The import puts CRLF back: the server's bytes are the original's.
    expect(read.map((m) => toCrlf(m.raw!).equals(toCrlf(messages[read.indexOf(m)]!)))).toEqual(
      messages.map(() => true),
    );
    expect(read.map((m) => m.index)).toEqual([1, 2, 3, 4, 5]);
    expect(fromLineDate(read[0]!.fromLine)).toEqual(new Date(Date.UTC(2024, 0, 5, 7, 8, 9)));
  });
});

describe('mbox files of other writers', () => {
  it('reads Thunderbird’s mboxo: only >From loses its >, >>From stays', async () => {
    const file = fileOf(
      'From - Mon Jan 01 10:00:00 2024\nX-Mozilla-Status: 0001\nSubject: one\n\n>From a\n>>From b\n\n' +
        'From - Tue Jan 02 10:00:00 2024\nX-Mozilla-Status: 0000\nSubject: two\n\nbody\n',
    );
    const read = await readAll(file);
    expect(read.map((m) => m.raw!.toString())).toEqual([
      'X-Mozilla-Status: 0001\nSubject: one\n\nFrom a\n>>From b\n',
      'X-Mozilla-Status: 0000\nSubject: two\n\nbody',
    ]);
  });

  it('reads mboxrd: >>From becomes >From', async () => {
    const file = fileOf('From x@y Mon Jan  1 10:00:00 2024\nSubject: a\n\n>>From b\n>From c\n');
    const [m] = await readAll(file);
    expect(m!.raw!.toString()).toBe('Subject: a\n\n>From b\nFrom c');
  });

  it('reads a CRLF file, and a From line that only looks like one is body text', async () => {
    const file = fileOf(
      'From x@y Mon Jan  1 10:00:00 2024\r\nSubject: a\r\n\r\nline\r\nFrom the desk of nobody\r\n\r\n' +
        'From x@y Mon Jan  1 11:00:00 2024\r\nSubject: b\r\n\r\nend\r\n',
    );
    const read = await readAll(file);
    expect(read.map((m) => m.raw!.toString())).toEqual([
      'Subject: a\r\n\r\nline\r\nFrom the desk of nobody\r\n',
      'Subject: b\r\n\r\nend',
    ]);
    expect(fromLineDate(read[1]!.fromLine)).toEqual(new Date(Date.UTC(2024, 0, 1, 11)));
  });

  it('reads a From line with a zone before the year (Gmail’s Takeout)', () => {
    expect(fromLineDate('From 1789@xxx Wed Mar 06 17:05:12 +0000 2024')).toEqual(
      new Date(Date.UTC(2024, 2, 6, 17, 5, 12)),
    );
    expect(fromLineDate('From nobody')).toBeNull();
  });
});

describe('reading large files', () => {
  it('reads across chunk boundaries, counts fast, and keeps no message over the limit', async () => {
    const messages: Buffer[] = [];
    for (let i = 0; i < 3000; i++)
      messages.push(
        Buffer.from(`Subject: n${i}\r\n\r\n${'x'.repeat(i % 977)}\r\nFrom inside ${i}\r\n`),
      );
    messages[1500] = Buffer.from(`Subject: big\r\n\r\n${'y'.repeat(3 << 20)}\r\n`);
    const file = fileOf(written(messages));
    expect(await countMbox(file)).toBe(3000);
    const read = await readAll(file, 1 << 20);
    expect(read).toHaveLength(3000);
    expect(read[1500]).toMatchObject({ raw: null, index: 1501 });
    expect(read[1500]!.size).toBeGreaterThan(3 << 20);
    const others = read.filter((_, i) => i !== 1500);
    expect(others.every((m, i) => m.raw!.equals(toLf(messages[i >= 1500 ? i + 1 : i]!)))).toBe(
      true,
    );
  });
});
