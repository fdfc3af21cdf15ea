// The IPC transport gives the window a sentence for an error inside the core; what broke
// (a path, a library's text) stays in the log.
import { afterEach, describe, expect, it } from 'vitest';
import { methodChannel } from '../../common/ipc.js';
import { ERROR_TEXT } from '../../common/errors.js';
import { ipcHandlers } from '../../main/app/ipc.js';
import { APP_ENTRY } from '../../main/app/security.js';
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
});
