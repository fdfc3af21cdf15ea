// The file name a message is saved under: from its subject, taken by every system.
import { describe, expect, it } from 'vitest';
import { emlFilename } from '../../main/core/mime/eml-filename.js';

describe('emlFilename', () => {
  it('keeps a plain subject and adds .eml', () => {
    expect(emlFilename('Quarterly numbers')).toBe('Quarterly numbers.eml');
    expect(emlFilename('Grüße aus Zürich')).toBe('Grüße aus Zürich.eml');
  });

  it('never gives a path, a character Windows refuses, or a hidden extension', () => {
    expect(emlFilename('../../etc/passwd')).toBe('etc passwd.eml');
    expect(emlFilename('Re: a\\b <c> "d" |e? *f*')).toBe('Re a b c d e f.eml');
    expect(emlFilename('tab\there\r\nnext\u0000')).toBe('tab here next.eml');
    // A right-to-left override would make "invoice<RLO>gpj.exe" read as "invoiceexe.jpg".
    expect(emlFilename('invoice\u202Egpj.exe')).toBe('invoice gpj.exe.eml');
    expect(emlFilename(' trailing dots... ')).toBe('trailing dots.eml');
  });

  it('names a message without a usable subject, and steers clear of device names', () => {
    expect(emlFilename(null)).toBe('message.eml');
    expect(emlFilename('  ...  ')).toBe('message.eml');
    expect(emlFilename('CON')).toBe('CON_.eml');
    expect(emlFilename('lpt1')).toBe('lpt1_.eml');
  });

  it('cuts a long subject between characters, under 255 bytes', () => {
    const name = emlFilename('😀'.repeat(300));
    expect(name.endsWith('.eml')).toBe(true);
    expect(Buffer.byteLength(name)).toBeLessThan(255);
    expect(name).not.toContain('\uFFFD');
    expect([...name.slice(0, -4)].every((c) => c === '😀')).toBe(true);
  });
});
