// An error inside the core travels in values and events too, not only as a call's failure:
// a sync state's errors, an account's offline reason, a sync.error event. Whatever broke
// inside (a path, a library's text) must reach a browser as the sentence, over the real
// WebSocket of the real server, and the window of the desktop app likewise.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../common/api.js';
import { ERROR_TEXT } from '../../common/errors.js';
import { publicResult, publicValue } from '../../common/public-error.js';
import { eventChannel } from '../../common/ipc.js';
import { forwardEvents } from '../../main/app/ipc.js';
import type { CoreEvents } from '../../main/core/events.js';
import { loadOrCreateToken } from '../../main/server/auth.js';
import { buildServer, SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { openService, type TestService } from '../support/service.js';

const INSIDE = "ENOENT: no such file or directory, open '/srv/maildock/data/maildock.db'";

const stateWithInternal = (): EventPayload<'sync.state'> => ({
  accountId: 1,
  running: false,
  progress: null,
  lastSyncAt: null,
  errors: [
    { code: 'INTERNAL', message: INSIDE, accountId: 1, mailbox: 'INBOX', fields: { path: '/srv' } },
    { code: 'MAILBOX_GONE', message: 'The folder Lists is gone', accountId: 1, mailbox: 'Lists' },
  ],
  offline: null,
});

describe('errors inside values and events', () => {
  it('keeps a value without INTERNAL errors as it is, and reduces each one it holds', () => {
    const clean = { messages: [{ id: 1, code: 'x' }], total: 1 };
    expect(publicValue(clean)).toBe(clean);
    const state = stateWithInternal();
    const shown = publicValue(state);
    expect(shown.errors[0]).toEqual({
      code: 'INTERNAL',
      message: ERROR_TEXT.INTERNAL,
      accountId: 1,
      mailbox: 'INBOX',
    });
    expect(shown.errors[1]).toBe(state.errors[1]);
    expect(state.errors[0]!.message).toBe(INSIDE); // the core's own copy is untouched
    expect(JSON.stringify(publicResult({ ok: true, value: [state] }))).not.toContain('/srv');
  });

  it('gives the desktop window the sentence in every event', () => {
    const sent: { channel: string; payload: unknown }[] = [];
    const listeners = new Map<string, (payload: unknown) => void>();
    forwardEvents(
      {
        on: (event, fn) => {
          listeners.set(event, fn as (payload: unknown) => void);
          return () => listeners.delete(event);
        },
      },
      (channel, payload) => sent.push({ channel, payload }),
    );
    listeners.get('sync.state')!(stateWithInternal());
    listeners.get('sync.error')!({ accountId: 1, error: { code: 'INTERNAL', message: INSIDE } });
    expect(sent.map((s) => s.channel)).toEqual([
      eventChannel('sync.state'),
      eventChannel('sync.error'),
    ]);
    expect(JSON.stringify(sent)).not.toContain('/srv');
    expect(sent[1]!.payload).toEqual({
      accountId: 1,
      error: { code: 'INTERNAL', message: ERROR_TEXT.INTERNAL },
    });
  });

  describe('over the server’s WebSocket', () => {
    let t: TestService;
    let app: FastifyInstance;
    let token: string;
    let port: number;

    beforeAll(async () => {
      t = await openService(SERVER_SERVICE_OPTIONS);
      token = await loadOrCreateToken(t.dataDir);
      app = await buildServer(t.svc, { token, loopbackOnly: true });
      await app.listen({ host: '127.0.0.1', port: 0 });
      port = (app.server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await app?.close();
      await t?.close();
    });

    it('sends a browser the sentence, never what broke inside', async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/events`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const got: { event: EventName; payload: unknown }[] = [];
      const two = new Promise<void>((resolve) =>
        ws.on('message', (data: Buffer) => {
          got.push(JSON.parse(data.toString()));
          if (got.length === 2) resolve();
        }),
      );
      // The service's own event bus, as its sync would use it.
      const bus = (t.svc as unknown as { events: CoreEvents }).events;
      bus.emit('sync.state', stateWithInternal());
      bus.emit('sync.error', { accountId: 1, error: { code: 'INTERNAL', message: INSIDE } });
      await two;
      ws.close();
      expect(JSON.stringify(got)).not.toContain('/srv');
      expect(got[0]).toMatchObject({
        event: 'sync.state',
        payload: { errors: [{ code: 'INTERNAL', message: ERROR_TEXT.INTERNAL }, {}] },
      });
      expect(got[1]).toEqual({
        event: 'sync.error',
        payload: { accountId: 1, error: { code: 'INTERNAL', message: ERROR_TEXT.INTERNAL } },
      });
    });
  });
});
