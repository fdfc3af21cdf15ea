// What `stack.config` writes into the bundled Postfix's files: a relay user or password with
// a line break would add a line of the caller's choosing to the relay password map (another
// relay host, with credentials the caller picked). Refused at the contract; files unchanged.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RELAY_PASSWORD_FILE } from '../../main/core/stack/stack-files.js';
import { openService, type TestService } from '../support/service.js';

let t: TestService;
const relayFile = () => path.join(t.dataDir, 'stack', ...RELAY_PASSWORD_FILE.split('/'));
const mapLines = () =>
  existsSync(relayFile()) ? readFileSync(relayFile(), 'utf8').split('\n').filter(Boolean) : [];

beforeEach(async () => {
  t = await openService();
});
afterEach(async () => {
  await t?.close();
});

describe('stack.config and the relay password map', () => {
  it('refuses control characters in the relay user and password, and writes nothing', async () => {
    await t.call('stack.config', {
      relay: { host: 'smtp.example.test', user: 'me', password: 'first secret' },
    });
    const before = mapLines();
    expect(before).toEqual(['[smtp.example.test]:587 me:first secret']);

    const injected = '\n[evil.example.test]:25 attacker:chosen';
    for (const relay of [
      { host: 'smtp.example.test', user: `me${injected}`, password: 'secret' },
      { host: 'smtp.example.test', user: 'me', password: `secret${injected}` },
      { host: 'smtp.example.test', user: 'me', password: `secret\r${injected}` },
      { host: 'smtp.example.test', user: 'me\u0000', password: 'secret' },
      { host: 'smtp.example.test', user: 'me', password: 'sec\u007fret' },
    ]) {
      const result = await t.svc.invoke('stack.config', { relay });
      expect(result, JSON.stringify(relay)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
    }
    expect(mapLines()).toEqual(before);
    expect((await t.call('stack.config', {})).relay).toEqual({
      host: 'smtp.example.test',
      port: 587,
      user: 'me',
    });
  });

  it('keeps passwords with spaces, tabs and any printable character', async () => {
    const password = 'a b\tc:d#e"f\'g\\h ü';
    await t.call('stack.config', { relay: { host: 'smtp.example.test', user: 'me', password } });
    expect(mapLines()).toEqual([`[smtp.example.test]:587 me:${password}`]);
  });

  it('says a damaged settings file is not valid without naming the server’s paths', async () => {
    mkdirSync(path.join(t.dataDir, 'stack'), { recursive: true });
    writeFileSync(path.join(t.dataDir, 'stack', 'settings.json'), '{"network": "carrier-pigeon"}');
    const result = await t.svc.invoke('stack.config', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(JSON.stringify(result)).not.toContain(t.dataDir);
  });
});
