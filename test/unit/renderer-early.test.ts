// @vitest-environment jsdom
// The page's first script (boot.ts) makes the first screen's calls before the app runs; the
// app's transport takes their answers for its own same calls. If the two ever ask for
// different things, the app asks again and the head start is lost without a sound: these
// tests hold boot's calls to the app's, as the contract parses them.
import { afterEach, describe, expect, it } from 'vitest';
import { methods, type MethodName } from '../../common/api.js';
import { FIRST_ANSWERS_ID } from '../../common/first-screen.js';
import { boot, earlyCalls } from '../../renderer/src/boot.js';
import { earlyResponses, keyOf } from '../../renderer/src/client/early.js';
import { firstInboxPageInput } from '../../renderer/src/state/use-list.js';

afterEach(() => {
  document.head.innerHTML = '';
  delete window.maildockEarly;
  localStorage.clear();
});

/** The key of a call as the transport sees it: its input as the client parsed it. */
const parsedKey = (method: string, input: unknown) =>
  keyOf(method, methods[method as MethodName].input.parse(input));

describe('the first calls, made before the app runs', () => {
  it('are the app’s own first calls, as the contract parses them', () => {
    for (const threads of [false, true]) {
      const calls = earlyCalls(threads);
      expect(calls.map(([m, input]) => keyOf(m, input))).toEqual([
        parsedKey('message.list', firstInboxPageInput(threads)),
        parsedKey('account.list', {}),
        parsedKey('mailbox.list', {}),
      ]);
    }
  });

  it('are made only where the page says it came from the one-person server', () => {
    boot(window);
    expect(window.maildockEarly).toBeUndefined();
    const meta = document.createElement('meta');
    meta.name = 'maildock-signin';
    meta.content = 'password';
    document.head.append(meta);
    boot(window);
    expect(window.maildockEarly).toBeUndefined();
    meta.content = 'link';
    localStorage.setItem('maildock.threads', '1');
    boot(window);
    expect(window.maildockEarly?.map((c) => keyOf(c.method, c.input))).toEqual(
      earlyCalls(true).map(([m, input]) => keyOf(m, input)),
    );
  });

  it('are handed to the same calls once each, and not after a call of the app’s own', async () => {
    const answer = (text: string) => Promise.resolve(new Response(text));
    const calls = [
      { method: 'account.list', input: {}, response: answer('accounts') },
      { method: 'message.list', input: { a: 1, b: 2 }, response: answer('page') },
      { method: 'mailbox.list', input: {}, response: answer('folders') },
    ];
    const take = earlyResponses(calls);
    // Taken out of the page's list, which now holds nothing for anyone else.
    expect(calls).toEqual([]);
    expect(await (await take('message.list', { b: 2, a: 1 }))?.text()).toBe('page');
    expect(take('message.list', { a: 1, b: 2 })).toBeNull();
    // The app asked for other folders first: the early folders are older than its own.
    expect(take('account.list', { other: true })).toBeNull();
    expect(take('account.list', {})).toBeNull();
    expect(await (await take('mailbox.list', {}))?.text()).toBe('folders');
    expect(earlyResponses(undefined)('mailbox.list', {})).toBeNull();
  });

  it('are not made where the server drew the first screen: its answers are taken instead', async () => {
    const meta = document.createElement('meta');
    meta.name = 'maildock-signin';
    meta.content = 'link';
    const answers = document.createElement('script');
    answers.type = 'application/json';
    answers.id = FIRST_ANSWERS_ID;
    const page = { ok: true, value: { messages: [], total: 0 } };
    answers.textContent = JSON.stringify([
      { method: 'message.list', input: earlyCalls(false)[0]![1], envelope: page },
      { method: 'account.list', input: {}, envelope: { ok: true, value: [] } },
    ]);
    document.head.append(meta, answers);
    const fetched: unknown[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = ((...args: unknown[]) => {
      fetched.push(args);
      return Promise.reject(new Error('no network here'));
    }) as typeof fetch;
    try {
      boot(window);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(fetched).toEqual([]);
    const take = earlyResponses(window.maildockEarly);
    const response = await take('message.list', earlyCalls(false)[0]![1]);
    expect(await response?.json()).toEqual(page);
    // Answers that cannot be read: the page asks, as where there are none.
    document.head.innerHTML = '';
    answers.textContent = '[{"method":';
    document.head.append(meta, answers);
    globalThis.fetch = (() => Promise.reject(new Error('offline'))) as typeof fetch;
    try {
      boot(window);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(window.maildockEarly?.map((c) => c.method)).toEqual(earlyCalls(false).map(([m]) => m));
  });
});
