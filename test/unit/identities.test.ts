// Identities without a server: which one a message goes from and a reply picks, the addresses
// a reply to all leaves out, signatures as text and HTML, and the accounts row's column read
// back (a damaged one as none).
import { describe, expect, it } from 'vitest';
import {
  ownAddresses,
  replyIdentity,
  sendingIdentity,
  signatureBlock,
  signatureHtml,
  swapTextSignature,
} from '../../common/identities.js';
import type { Account } from '../../common/types.js';
import {
  identitiesValue,
  toAccount,
  type AccountRow,
} from '../../main/core/store/rows/accounts.js';

const SALES = { email: 'Sales@x.test', name: 'Sales', signature: null, primary: false };
const account: Pick<Account, 'id' | 'email' | 'name' | 'identities'> = {
  id: 4,
  email: 'me@x.test',
  name: 'Me',
  identities: [
    { email: 'me@x.test', name: 'Me', signature: { text: 'Me', html: null }, primary: true },
    SALES,
  ],
};
const to = (...addresses: string[]) => addresses.map((address) => ({ name: '', address }));

describe('which identity', () => {
  it('sends from the one asked for, in any case, and refuses an address not the account’s', () => {
    expect(sendingIdentity(account, 'SALES@X.TEST')).toBe(SALES);
    expect(sendingIdentity(account, undefined).primary).toBe(true);
    expect(() => sendingIdentity(account, 'other@x.test')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', fields: { path: 'from', accountId: 4 } }),
    );
  });

  it('replies from the first own address in To, then Cc, else the account’s own', () => {
    expect(replyIdentity(account, { to: to('a@y.test', 'sales@x.test'), cc: [] })).toBe(SALES);
    expect(replyIdentity(account, { to: to('a@y.test'), cc: to('sales@x.test') })).toBe(SALES);
    expect(replyIdentity(account, { to: to('me@x.test', 'sales@x.test'), cc: [] }).primary).toBe(
      true,
    );
    expect(replyIdentity(account, { to: to('list@y.test'), cc: [] }).primary).toBe(true);
    expect(sendingIdentity(account, undefined, { to: to('sales@x.test'), cc: [] })).toBe(SALES);
  });

  it('knows every own address, lower case', () => {
    expect([...ownAddresses(account)].sort()).toEqual(['me@x.test', 'sales@x.test']);
  });
});

describe('signatures', () => {
  const sig = { text: 'Me\r\nMaildock\n\n', html: null };

  it('puts a text signature under the separator, and swaps it when untouched', () => {
    expect(signatureBlock(sig)).toBe('\n\n-- \nMe\nMaildock');
    expect(signatureBlock(null)).toBe('');
    expect(signatureBlock({ text: '  \n', html: '<b>x</b>' })).toBe('');
    const body = `Hello${signatureBlock(sig)}`;
    const other = { text: 'Sales desk', html: null };
    expect(swapTextSignature(body, sig, other)).toBe('Hello\n\n-- \nSales desk');
    expect(swapTextSignature(body, sig, null)).toBe('Hello');
    // Edited by the writer: left as it is, the new one added under it.
    const edited = `${body} (edited)`;
    expect(swapTextSignature(edited, sig, other)).toBe(`${edited}\n\n-- \nSales desk`);
  });

  it('gives the HTML as written, else the text escaped as lines', () => {
    expect(signatureHtml({ text: 'x', html: '<p>Mine</p>' })).toBe('<p>Mine</p>');
    expect(signatureHtml({ text: 'A & B <a@x.test>\nLine 2', html: '  ' })).toBe(
      'A &#38; B &#60;a@x.test&#62;<br>Line 2',
    );
    expect(signatureHtml(null)).toBe('');
  });
});

describe('the identities column', () => {
  const row: AccountRow = {
    id: 1,
    email: 'me@x.test',
    name: 'Me',
    imap_host: 'imap.x.test',
    imap_port: 993,
    imap_security: 'tls',
    imap_user: 'me',
    smtp_host: null,
    smtp_port: null,
    smtp_security: null,
    smtp_user: null,
    imap_tls_cert: null,
    smtp_tls_cert: null,
    identities: null,
    created_at: '2026-12-07T00:00:00.000Z',
  };

  it('reads back what it keeps, the primary named by the account', () => {
    const value = identitiesValue(account.identities);
    expect(JSON.parse(value!)).toEqual([
      { email: 'me@x.test', name: null, signature: { text: 'Me', html: null } },
      { email: 'Sales@x.test', name: 'Sales', signature: null },
    ]);
    expect(toAccount({ ...row, identities: value }).identities).toEqual(account.identities);
    expect(identitiesValue([{ ...account.identities[0]!, signature: null }])).toBeNull();
  });

  it('reads a damaged column as the own address alone', () => {
    const own = [{ email: 'me@x.test', name: 'Me', signature: null, primary: true }];
    for (const identities of [null, 'not json', '{"email":1}', '[{"email":2}]']) {
      expect(toAccount({ ...row, identities }).identities).toEqual(own);
    }
  });
});
