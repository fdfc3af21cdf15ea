// Who may take back a row another process claimed for sending: instances of the server of
// many people share one outbox from several containers, each with its own pid 1, so a pid
// tells something only about a process of this host.
import { describe, expect, it } from 'vitest';
import { CLAIM_GRACE_MS, claimGone, PROCESS_OWNER } from '../../main/core/send/sender.js';

const now = Date.UTC(2026, 0, 1);
const me = {
  owner: '1:aaaaaa:container-a',
  pid: 1,
  host: 'container-a',
  now,
  pidGone: (pid: number) => pid === 4242,
};
const recent = now - 5_000;

describe('taking back claimed outbox rows', () => {
  it('leaves a live instance on another host alone, even with the same pid', () => {
    expect(claimGone('1:bbbbbb:container-b', recent, me)).toBe(false);
    expect(claimGone('4242:bbbbbb:container-b', recent, me)).toBe(false);
  });

  it('takes back what this host shows dead, or an earlier process of our pid', () => {
    expect(claimGone('4242:cccccc:container-a', recent, me)).toBe(true);
    expect(claimGone('1:cccccc:container-a', recent, me)).toBe(true);
    expect(claimGone('77:cccccc:container-a', recent, me)).toBe(false);
    expect(claimGone(me.owner, recent, me)).toBe(false);
  });

  it('takes back any claim gone stale, and rows claimed before hosts were written', () => {
    expect(claimGone('1:bbbbbb:container-b', now - 2 * 3600_000, me)).toBe(true);
    expect(claimGone(null, recent, me)).toBe(true);
    expect(claimGone('4242:dddddd', recent, me)).toBe(true);
    expect(claimGone('77:dddddd', recent, me)).toBe(false);
  });

  it('takes back, on any host, a claim no live instance owns once its grace has passed', () => {
    const live = { ...me, liveSenders: new Set([me.owner, '1:bbbbbb:container-b']) };
    const past = now - CLAIM_GRACE_MS - 1;
    expect(claimGone('1:eeeeee:container-c', past, live)).toBe(true);
    expect(claimGone('1:bbbbbb:container-b', past, live)).toBe(false);
    expect(claimGone(me.owner, past, live)).toBe(false);
    // Within the grace an instance may not have written its first heartbeat yet.
    expect(claimGone('1:eeeeee:container-c', recent, live)).toBe(false);
    // Without the live instances (no Redis, or it could not tell), as before.
    expect(claimGone('1:eeeeee:container-c', past, { ...me, liveSenders: null })).toBe(false);
  });

  it('names this process with its host', () => {
    expect(PROCESS_OWNER).toMatch(new RegExp(`^${process.pid}:[0-9a-f]{12}:.+$`));
  });
});
