// Addresses as typed or pasted into a recipients field: lists split where a comma stands
// between addresses (not inside a quoted name or angle brackets), names and addresses
// read apart, invalid ones marked, and formatted back so the core reads the same thing.
import addressparser from 'nodemailer/lib/addressparser';
import { describe, expect, it } from 'vitest';
import {
  formatRecipient,
  isAddress,
  parseList,
  parseOne,
  splitList,
} from '../../renderer/src/compose/addresses.js';

describe('recipient lists', () => {
  it('splits on commas, semicolons and new lines between addresses', () => {
    expect(splitList('ann@x.test, bo@y.test; cy@z.test\ndee@w.test,,')).toEqual([
      'ann@x.test',
      'bo@y.test',
      'cy@z.test',
      'dee@w.test',
    ]);
  });

  it('keeps a quoted name with a comma, and angle brackets, in one piece', () => {
    expect(parseList('"Lee, Bo" <bo@y.test>, Ann Smith <ann@x.test>, <cy@z.test>')).toEqual([
      { name: 'Lee, Bo', address: 'bo@y.test', valid: true },
      { name: 'Ann Smith', address: 'ann@x.test', valid: true },
      { name: '', address: 'cy@z.test', valid: true },
    ]);
    expect(parseOne('"Say \\"hi\\"" <hi@x.test>')).toEqual({
      name: 'Say "hi"',
      address: 'hi@x.test',
      valid: true,
    });
    // A trailing comment is not part of the address.
    expect(parseOne('ann@x.test (work)')).toEqual({ name: '', address: 'ann@x.test', valid: true });
  });

  it('marks what the core would refuse', () => {
    const bad = parseList('ann, bo@, @y.test, a b@x.test, Cy <cy at z.test>, two@@x.test');
    expect(bad.map((r) => r.valid)).toEqual([false, false, false, false, false, false]);
    expect(bad.map((r) => r.address)).toEqual([
      'ann',
      'bo@',
      '@y.test',
      'a b@x.test',
      'cy at z.test',
      'two@@x.test',
    ]);
    expect(isAddress('bob@maildock.test')).toBe(true);
  });

  it('formats names so that nodemailer reads back the same name and address', () => {
    for (const r of [
      { name: 'Lee, Bo', address: 'bo@y.test' },
      { name: 'Ann Smith', address: 'ann@x.test' },
      { name: 'Say "hi" <now>', address: 'hi@x.test' },
      { name: 'José Núñez', address: 'jn@x.test' },
      { name: '', address: 'cy@z.test' },
    ]) {
      const text = formatRecipient(r);
      expect(addressparser(text)).toEqual([r]);
      expect(parseOne(text)).toEqual({ ...r, valid: true });
    }
    expect(formatRecipient({ name: 'Lee, Bo', address: 'bo@y.test' })).toBe(
      '"Lee, Bo" <bo@y.test>',
    );
  });
});
