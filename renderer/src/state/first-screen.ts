// The first screen's requests, sent together as soon as the page may call the API: the
// accounts, the folders, and the unified Inbox's first page asked for by role (where there
// is no Inbox, the first folder's page follows the folders' answer). React renders the app
// meanwhile, and its hooks ask for the same things; they are handed these answers instead
// of asking again, so no render (and no paint) stands between one request and the next.
// Each answer is handed out once, and none once the list has asked for a page: from then
// on every call goes to the API.
import type { MethodInput, MethodName, MethodOutput } from '../../../common/api.js';
import type { MaildockClient } from '../client/client.js';
import { keyOf } from '../client/early.js';
import { threadsOn } from './settings.js';
import { firstInboxPageInput, firstPageInput } from './use-list.js';
import { openingFolder } from './use-place.js';

export interface FirstScreenClient extends MaildockClient {
  /** Sends the first screen's requests (once signed in, or at once where no sign-in is). */
  start(): void;
  /**
   * Settles once the first screen's answers are in (or failed): the app's first render can
   * then show the folders and the first rows at once, instead of rendering for each answer.
   */
  answered(): Promise<void>;
}

export function withFirstScreen(client: MaildockClient): FirstScreenClient {
  let early: Map<string, Promise<unknown>> | null = new Map();
  /** The answers that came, by key: what `peek` can hand out without waiting. */
  const arrived = new Map<string, unknown>();
  let started = false;
  let settle = () => undefined as void;
  const allIn = new Promise<void>((resolve) => (settle = resolve));

  const hold = (key: string, answer: Promise<unknown>) => {
    // Whoever takes it sees the failure; unclaimed, it must not be an unhandled rejection.
    answer.then(
      (value) => arrived.set(key, value),
      () => undefined,
    );
    early?.set(key, answer);
    return answer;
  };
  const ask = <M extends MethodName>(method: M, input: MethodInput<M>) =>
    hold(keyOf(method, input), client.call(method, input)) as Promise<MethodOutput<M>>;

  /** The early answer for the key, once: message.list also ends the handing out. */
  const take = (method: MethodName, key: string) => {
    const answer = early?.get(key);
    if (method === 'message.list') early = null;
    else early?.delete(key);
    return answer;
  };

  return {
    transport: client.transport,
    on: client.on.bind(client),

    call(method, input) {
      const answer = early ? take(method, keyOf(method, input)) : undefined;
      if (answer) return answer as Promise<MethodOutput<typeof method>>;
      return client.call(method, input);
    },

    peek(method, input) {
      const key = keyOf(method, input);
      if (!early?.has(key) || !arrived.has(key)) return undefined;
      take(method, key);
      return arrived.get(key) as MethodOutput<typeof method>;
    },

    answered: () => allIn,

    start() {
      if (started || !early) return;
      started = true;
      const threads = threadsOn();
      // Where there is an Inbox the app opens on the unified Inbox: its first page, asked
      // for by role, leaves with the folders' list instead of after it.
      const inbox = client.call('message.list', firstInboxPageInput(threads));
      inbox.catch(() => undefined);
      const accounts = ask('account.list', {});
      const folders = ask('mailbox.list', {}).then((mailboxes) => {
        const opening = openingFolder(mailboxes);
        if (!opening || !early) return;
        const input = firstPageInput(opening, threads);
        return opening.kind === 'unified'
          ? hold(keyOf('message.list', input), inbox)
          : ask('message.list', input);
      });
      void Promise.allSettled([accounts, folders]).then(settle);
    },
  };
}
