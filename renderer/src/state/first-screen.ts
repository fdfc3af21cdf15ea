// The first screen's requests, sent as soon as the page may call the API and each as soon
// as the one before it is answered: the accounts and folders, then the first page of the
// place the app opens on. React renders the app meanwhile, and its hooks ask for the same
// things; they are handed these answers instead of asking again, so no render (and no
// paint) stands between one request and the next. Each answer is handed out once, and
// none once the list has asked for a page: from then on every call goes to the API.
import type { MethodInput, MethodName, MethodOutput } from '../../../common/api.js';
import type { MaildockClient } from '../client/client.js';
import { threadsOn } from './settings.js';
import { firstPageInput } from './use-list.js';
import { openingFolder } from './use-place.js';

export interface FirstScreenClient extends MaildockClient {
  /** Sends the first screen's requests (once signed in, or at once where no sign-in is). */
  start(): void;
}

/** The same key for the same input, whatever the order of its fields. */
function keyOf(method: string, input: unknown): string {
  const sorted = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([k, x]) => [k, sorted(x)]),
        )
      : v;
  return `${method} ${JSON.stringify(sorted(input))}`;
}

export function withFirstScreen(client: MaildockClient): FirstScreenClient {
  let early: Map<string, Promise<unknown>> | null = new Map();
  let started = false;

  const ask = <M extends MethodName>(method: M, input: MethodInput<M>) => {
    const answer = client.call(method, input);
    // Whoever takes it sees the failure; unclaimed, it must not be an unhandled rejection.
    answer.catch(() => undefined);
    early?.set(keyOf(method, input), answer);
    return answer;
  };

  return {
    transport: client.transport,
    on: client.on.bind(client),

    call(method, input) {
      if (method === 'message.list') {
        const key = keyOf(method, input);
        const answer = early?.get(key);
        early = null;
        if (answer) return answer as Promise<MethodOutput<typeof method>>;
      } else if (early) {
        const key = keyOf(method, input);
        const answer = early.get(key);
        if (answer) {
          early.delete(key);
          return answer as Promise<MethodOutput<typeof method>>;
        }
      }
      return client.call(method, input);
    },

    start() {
      if (started || !early) return;
      started = true;
      ask('account.list', {});
      ask('mailbox.list', {}).then(
        (mailboxes) => {
          const opening = openingFolder(mailboxes);
          if (opening && early) ask('message.list', firstPageInput(opening, threadsOn()));
        },
        () => undefined,
      );
    },
  };
}
