// How Dovecot and Postfix are told where the stack's mailboxes are: the files the app writes
// into their secret folders, with nothing a value could smuggle into them; and the sizes
// `stack user add --quota` takes.
import { describe, expect, it } from 'vitest';
import { stackSettingsSchema } from '../../common/stack.js';
import { parseSize } from '../../main/cli/stack-users.js';
import {
  dovecotSqlConf,
  postfixPgsqlMaps,
  postgresForContainers,
  POSTFIX_ALIAS_MAP,
  POSTFIX_MAILBOX_MAP,
} from '../../main/core/stack/mail-maps.js';

const login = {
  host: 'postgres',
  port: 5432,
  database: 'maildock',
  role: 'maildock_dovecot',
  password: 'Abcdefghijklmnop0123456789ABCDEF',
};

describe('the mail servers’ view of Postgres', () => {
  it('is the compose network’s postgres in bridge mode, and the bound port with host networking', () => {
    const bridge = stackSettingsSchema.parse({});
    expect(postgresForContainers(bridge)).toEqual({ host: 'postgres', port: 5432 });
    const host = stackSettingsSchema.parse({
      network: 'host',
      bind: '0.0.0.0',
      ports: { postgres: 15433 },
    });
    expect(postgresForContainers(host)).toEqual({ host: '127.0.0.1', port: 15433 });
    expect(postgresForContainers({ ...host, bind: '127.0.0.2' })).toEqual({
      host: '127.0.0.2',
      port: 15433,
    });
  });

  it('gives Dovecot its role, Argon2id hashes with their scheme, migrated ones as they are, and the quota in bytes', () => {
    const conf = dovecotSqlConf(login);
    expect(conf).toContain(
      'connect = host=postgres port=5432 dbname=maildock user=maildock_dovecot password=Abcdefghijklmnop0123456789ABCDEF connect_timeout=5\n',
    );
    expect(conf).toMatch(/^driver = pgsql$/m);
    expect(conf).toContain("'{ARGON2ID}' || u.password_hash");
    expect(conf).toContain("WHEN left(u.password_hash, 1) = '{' THEN u.password_hash");
    expect(conf).toContain("'*:storage=' || quota_bytes || 'B'");
    // Dovecot expands every % of a query: only its own variables may appear.
    for (const query of conf.split('\n').join(' ').matchAll(/%./g))
      expect(['%u', '%d', '%n']).toContain(query[0]);
    // Continued lines end in one backslash, and the password is on the connect line only.
    expect(conf.split('\n').filter((l) => l.includes(login.password))).toHaveLength(1);
  });

  it('gives Postfix a mailbox map and an alias map, as its own role', () => {
    const maps = postfixPgsqlMaps({ ...login, role: 'maildock_postfix' });
    expect(Object.keys(maps).sort()).toEqual([POSTFIX_ALIAS_MAP, POSTFIX_MAILBOX_MAP].sort());
    for (const text of Object.values(maps)) {
      expect(text).toMatch(/^hosts = inet:postgres:5432$/m);
      expect(text).toMatch(/^user = maildock_postfix$/m);
      expect(text).toMatch(/^dbname = maildock$/m);
      expect(text).not.toContain('password_hash');
    }
    expect(maps[POSTFIX_MAILBOX_MAP]).toMatch(
      /^query = SELECT .* FROM mail_users WHERE address = '%s'$/m,
    );
    expect(maps[POSTFIX_ALIAS_MAP]).toMatch(
      /^query = SELECT destination FROM mail_aliases WHERE source = '%s'$/m,
    );
  });

  it('refuses a value that would break out of its line or its field', () => {
    for (const bad of [
      { password: 'short' },
      { password: 'Abcdefghijklmnop0123456789ABCDE\nquery = x' },
      { password: 'Abcdefghijklmnop 0123456789ABCDEF' },
      { host: 'postgres\nuser=postgres' },
      { host: 'postgres password=x' },
      { role: "maildock'; DROP" },
      { database: 'Maildock' },
      { port: 0 },
      { port: 70000 },
    ]) {
      expect(() => dovecotSqlConf({ ...login, ...bad }), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
      expect(() => postfixPgsqlMaps({ ...login, ...bad }), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
    }
  });
});

describe('quota sizes', () => {
  it('takes bytes or K, M, G, T in powers of 1024', () => {
    expect(parseSize('1048576')).toBe(1_048_576);
    expect(parseSize('500M')).toBe(500 * 2 ** 20);
    expect(parseSize('2g')).toBe(2 * 2 ** 30);
    expect(parseSize('1.5GiB')).toBe(1.5 * 2 ** 30);
    expect(parseSize('750kb')).toBe(750 * 1024);
    expect(parseSize(' 1T ')).toBe(2 ** 40);
  });

  it('refuses what is not a size, or less than 1K', () => {
    for (const bad of ['', 'lots', '-5M', '5X', '1e9', '100', '0.5K'])
      expect(() => parseSize(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
