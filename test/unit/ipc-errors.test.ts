// The IPC transport gives the window a sentence for an error inside the core, in an answer,
// a value or an event; what broke (a path, a library's text) stays in the log.
import { afterEach, describe, expect, it } from 'vitest';
import { eventChannel, methodChannel } from '../../common/ipc.js';
import { publicResult, publicValue } from '../../common/public-error.js';
import { ERROR_TEXT } from '../../common/errors.js';
import { forwardEvents, ipcHandlers } from '../../main/app/ipc.js';
import { APP_ENTRY } from '../../main/app/security.js';
import { INSIDE, syncStateWithInternal } from '../support/internal-error.js';
import { openService, type TestService } from '../support/service.js';

describe('errors over IPC', () => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close().catch(() => undefined);
    t = undefined;
  });

  it('answers an INTERNAL error with the sentence, not the inner message', async () => {
    t = await openService();
    const table = ipcHandlers(t.svc);
    await t.svc.close(); // every call now fails inside, on a closed database
    const direct = await t.svc.invoke('account.list', {});
    expect(direct.ok ? '' : direct.error.message).not.toBe(ERROR_TEXT.INTERNAL);
    const own = { senderFrame: { url: APP_ENTRY, parent: null } };
    expect(await table.get(methodChannel('account.list'))!(own, {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: ERROR_TEXT.INTERNAL },
    });
  });

  it('keeps a value without INTERNAL errors as it is, and reduces each one it holds', () => {
    const clean = { messages: [{ id: 1, code: 'x' }], total: 1 };
    expect(publicValue(clean)).toBe(clean);
    const state = syncStateWithInternal();
    const shown = publicValue(state);
    expect(shown.errors[0]).toEqual({
      code: 'INTERNAL',
      message: ERROR_TEXT.INTERNAL,
      accountId: 1,
      mailbox: 'INBOX',
    });
    expect(shown.errors[1]).toBe(state.errors[1]);
    expect(state.errors[0]!.message).toBe(INSIDE); // the core's own copy is untouched
    expect(JSON.stringify(publicResult('sync.state', { ok: true, value: [state] }))).not.toContain(
      '/srv',
    );
  });

  it('gives the window the sentence in every event (Electron stood in for by its send)', () => {
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
    listeners.get('sync.state')!(syncStateWithInternal());
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
});
