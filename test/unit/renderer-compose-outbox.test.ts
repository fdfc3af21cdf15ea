// The outbox in words and what each state allows, and the "send later" times: in an hour,
// tomorrow at 8:00, a picked local time, each as ISO with the local offset.
import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../common/types.js';
import { actionsFor, stateWords } from '../../renderer/src/compose/outbox-words.js';
import {
  fromLocalInput,
  inOneHour,
  isoWithOffset,
  tomorrowAtEight,
} from '../../renderer/src/compose/send-later.js';

const now = new Date(2025, 2, 4, 10, 30, 15);
const entry = (e: Partial<OutboxEntry>): OutboxEntry => ({
  id: 1,
  accountId: 1,
  messageId: '<a@x>',
  state: 'queued',
  from: 'ann@x.test',
  recipients: ['bob@x.test'],
  subject: 'Hi',
  size: 100,
  sendAt: now.toISOString(),
  attempts: 0,
  nextAttempt: null,
  lastError: null,
  createdAt: now.toISOString(),
  sentAt: null,
  sentCopy: 'pending',
  ...e,
});

describe('outbox states in words', () => {
  it('says why a message waits or failed, with the server’s words', () => {
    expect(stateWords(entry({}), now)).toBe('Queued: leaves in a moment');
    expect(stateWords(entry({ sendAt: tomorrowAtEight(now).toISOString() }), now)).toMatch(
      /^Scheduled for tomorrow at /,
    );
    expect(
      stateWords(
        entry({
          state: 'retrying',
          lastError: {
            code: 'SEND_FAILED',
            message: '451 4.3.0 Try again later',
            fields: { responseCode: 451 },
          },
          nextAttempt: new Date(now.getTime() + 60_000).toISOString(),
        }),
        now,
      ),
    ).toMatch(/^Waiting to retry: 451 4\.3\.0 Try again later\. Next attempt today at /);
    const noSuchUser = { code: 'SMTP_REJECTED' as const, message: '550 5.1.1 No such user' };
    expect(stateWords(entry({ state: 'failed', lastError: noSuchUser }), now)).toBe(
      'Failed: 550 5.1.1 No such user',
    );
    expect(stateWords(entry({ state: 'maybe-sent' }), now)).toMatch(/^May have been sent/);
    expect(
      stateWords(entry({ state: 'sent', sentAt: now.toISOString(), sentCopy: 'done' }), now),
    ).toMatch(/^Sent today at [^·]+$/);
    expect(stateWords(entry({ state: 'sent', sentAt: now.toISOString() }), now)).toContain(
      'copy to Sent still to come',
    );
  });

  it('offers what the core allows in each state', () => {
    const later = tomorrowAtEight(now).toISOString();
    expect(actionsFor(entry({ sendAt: later }), now)).toEqual({
      cancel: true,
      sendNow: true,
      editable: true,
      resend: false,
    });
    expect(actionsFor(entry({ state: 'sending' }), now)).toEqual({
      cancel: false,
      sendNow: false,
      editable: false,
      resend: false,
    });
    expect(actionsFor(entry({ state: 'failed' }), now)).toMatchObject({
      resend: true,
      editable: true,
    });
    expect(actionsFor(entry({ state: 'maybe-sent' }), now)).toMatchObject({
      resend: true,
      editable: false,
    });
    expect(actionsFor(entry({ state: 'sent' }), now)).toEqual({
      cancel: false,
      sendNow: false,
      editable: false,
      resend: false,
    });
  });
});

describe('send later', () => {
  it('gives local times with their offset, which name the same instant', () => {
    const hour = inOneHour(now);
    expect([hour.getHours(), hour.getMinutes(), hour.getSeconds()]).toEqual([11, 30, 0]);
    const eight = tomorrowAtEight(now);
    expect([eight.getDate(), eight.getHours(), eight.getMinutes()]).toEqual([5, 8, 0]);
    const iso = isoWithOffset(eight);
    expect(iso).toMatch(/^2025-03-05T08:00:00[+-]\d\d:\d\d$/);
    expect(Date.parse(iso)).toBe(eight.getTime());
  });

  it('reads a picked date and time, and refuses what is not one', () => {
    expect(fromLocalInput('2025-03-05T09:15')?.getTime()).toBe(
      new Date(2025, 2, 5, 9, 15).getTime(),
    );
    expect(fromLocalInput('2025-02-30T09:15')).toBeNull();
    expect(fromLocalInput('tomorrow')).toBeNull();
  });
});
