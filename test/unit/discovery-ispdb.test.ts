// The bundled ISPDB: the committed table (main/core/discovery/ispdb-table.ts) is exactly what
// scripts/ispdb-table.ts makes of resources/ispdb/*.xml, its license travels with it, and a
// domain is found by itself or by the MX host it points to.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ispdbByHost, ispdbProvider } from '../../main/core/discovery/ispdb.js';
import { ISPDB_PROVIDERS } from '../../main/core/discovery/ispdb-table.js';
import { ISPDB_DIR, ispdbTableSource, readIspdb, TABLE_FILE } from '../../scripts/ispdb-table.js';

describe('the ISPDB table', () => {
  it('is what the bundled XML gives (run `npm run build:ispdb` after changing resources/ispdb)', () => {
    expect(readFileSync(TABLE_FILE, 'utf8')).toBe(ispdbTableSource(readIspdb()));
  });

  it('keeps the Mozilla Public License beside the XML it comes from', () => {
    expect(readFileSync(path.join(ISPDB_DIR, 'LICENSE'), 'utf8')).toMatch(
      /^Mozilla Public License Version 2\.0/,
    );
    expect(existsSync(path.join(ISPDB_DIR, 'README.md'))).toBe(true);
    expect(readFileSync(TABLE_FILE, 'utf8')).toContain('resources/ispdb/LICENSE');
  });

  it('holds every provider, with an IMAP server for each that offers one', () => {
    const files = readIspdb();
    expect(ISPDB_PROVIDERS.length).toBe(files.length);
    expect(ISPDB_PROVIDERS.length).toBeGreaterThan(150);
    const withImap = ISPDB_PROVIDERS.filter((p) => p.imap).length;
    expect(withImap).toBeGreaterThan(100);
    // The XML of a POP3-only provider gives no IMAP server to offer.
    expect(ispdbProvider('kokuyou.ne.jp')).toMatchObject({ imap: null, smtp: null });
  });
});

describe('a domain in the ISPDB', () => {
  it('is found by the address’s own domain', () => {
    expect(ispdbProvider('gmail.com')).toMatchObject({
      id: 'googlemail.com',
      imap: { host: 'imap.gmail.com', port: 993, security: 'tls', auth: ['oauth2', 'password'] },
      oauth2: { issuer: 'accounts.google.com' },
    });
    expect(ispdbProvider('office365.com')?.smtp).toEqual({
      host: 'smtp.office365.com',
      port: 587,
      security: 'starttls',
      user: '%EMAILADDRESS%',
      auth: ['oauth2'],
    });
    expect(ispdbProvider('example.com')).toBeNull();
  });

  it('is found by the domain an MX host belongs to, the longest listed one first', () => {
    expect(ispdbByHost('aspmx.l.google.com')).toMatchObject({
      domain: 'google.com',
      provider: { id: 'googlemail.com' },
    });
    expect(ispdbByHost('contoso-com.mail.protection.outlook.com')).toMatchObject({
      domain: 'mail.protection.outlook.com',
      provider: { name: 'Microsoft 365' },
    });
    // A host the ISPDB lists whole.
    expect(ispdbByHost('mx1.tiki.ne.jp')?.domain).toBe('mx1.tiki.ne.jp');
    // A top-level domain alone is never a match.
    expect(ispdbByHost('mx.example.com')).toBeNull();
    expect(ispdbByHost('com')).toBeNull();
  });
});
