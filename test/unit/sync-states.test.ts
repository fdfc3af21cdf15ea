// An account's sync state as the UI reads it: offline while its server is out of reach, and
// only the server answering again (a sync past connecting, or a pass that got through) ends
// it. Local work shown in the same place, the search index catching up, says nothing of it.
import { describe, expect, it } from 'vitest';
import type { AccountSyncState } from '../../common/types.js';
import { SyncStates } from '../../main/core/sync/sync-states.js';
import { storeWithInbox } from '../support/store.js';

const unreachable = { code: 'HOST_UNREACHABLE' as const, message: 'connect ECONNREFUSED' };

async function offlineAccount() {
  const { store, accountId } = await storeWithInbox();
  const pushed: AccountSyncState[] = [];
  const states = new SyncStates(store, (s) => pushed.push(s));
  states.offline(accountId, unreachable, '127.0.0.1', new Date(Date.now() + 30_000));
  const now = () => states.list([accountId])[0]!;
  return { states, accountId, now, pushed };
}

describe('an account offline', () => {
  it('stays offline while the search index catches up, and while connecting', async () => {
    const { states, accountId, now } = await offlineAccount();
    states.progress({ accountId, phase: 'index', done: 10, total: 100 });
    expect(now().offline).toMatchObject({ host: '127.0.0.1', error: { code: 'HOST_UNREACHABLE' } });
    states.phaseEnded(accountId, 'index');
    states.progress({ accountId, phase: 'connect', done: 0, total: 0 });
    expect(now().offline).not.toBeNull();
  });

  it('is back once a sync gets past connecting, or a pass ends without the outage', async () => {
    const first = await offlineAccount();
    first.states.progress({ accountId: first.accountId, phase: 'headers', done: 0, total: 5 });
    expect(first.now().offline).toBeNull();

    const second = await offlineAccount();
    second.states.finished(second.accountId, [{ ...unreachable }]);
    expect(second.now().offline, 'a pass that could not connect').not.toBeNull();
    second.states.finished(second.accountId, []);
    expect(second.now().offline).toBeNull();
  });
});
