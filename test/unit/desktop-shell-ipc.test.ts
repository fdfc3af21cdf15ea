// The desktop shell's IPC table (main/app/ipc.ts), tested without the Electron binary: one
// handler per method of the contract in front of a real service, behind a check of the
// sending frame, and every event of the contract forwarded on its own channel.
import { afterEach, describe, expect, it } from 'vitest';
import { events, methods } from '../../common/api.js';
import { eventChannel, methodChannel } from '../../common/ipc.js';
import { forwardEvents, ipcHandlers } from '../../main/app/ipc.js';
import { APP_ENTRY, trustedSender } from '../../main/app/security.js';
import { openService, type TestService } from '../support/service.js';

describe('IPC: the contract’s methods, generated, behind a sender check', () => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const own = { senderFrame: { url: APP_ENTRY, parent: null } };

  it('has one handler per contract method, and nothing else', async () => {
    t = await openService();
    const table = ipcHandlers(t.svc);
    expect([...table.keys()].sort()).toEqual(
      Object.keys(methods)
        .map((m) => methodChannel(m))
        .sort(),
    );
  });

  it('answers the app’s own page, parsing the input with the contract', async () => {
    t = await openService();
    const table = ipcHandlers(t.svc);
    expect(await table.get(methodChannel('account.list'))!(own, {})).toEqual({
      ok: true,
      value: [],
    });
    const bad = await table.get(methodChannel('message.get'))!(own, { id: 'seven' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses a frame inside the page, another page, or no frame, before the core sees the call', async () => {
    t = await openService();
    const table = ipcHandlers(t.svc);
    const add = table.get(methodChannel('app.settings'))!;
    for (const senderFrame of [
      { url: APP_ENTRY, parent: { url: APP_ENTRY } },
      { url: 'https://evil.test/', parent: null },
      { url: 'app://maildock.evil.test/index.html', parent: null },
      null,
    ]) {
      expect(await add({ senderFrame }, { closeToTray: false })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    // None of them reached the service: the setting is still its default.
    expect((await t.svc.appSettings()).closeToTray).toBe(true);
    expect(trustedSender(own.senderFrame)).toBe(true);
  });

  it('forwards every event of the contract on its own channel, and stops when told', () => {
    const listeners = new Map<string, (p: unknown) => void>();
    const core = {
      on: (event: string, fn: (p: unknown) => void) => {
        listeners.set(event, fn);
        return () => listeners.delete(event);
      },
    };
    const sent: [string, unknown][] = [];
    const off = forwardEvents(core, (channel, payload) => sent.push([channel, payload]));
    expect([...listeners.keys()].sort()).toEqual(Object.keys(events).sort());
    listeners.get('mail.new')!({ accountId: 1, mailboxId: 2, count: 3 });
    expect(sent).toEqual([[eventChannel('mail.new'), { accountId: 1, mailboxId: 2, count: 3 }]]);
    off();
    expect(listeners.size).toBe(0);
  });
});
