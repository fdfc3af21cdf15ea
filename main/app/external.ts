// What happens to a link that leaves the app (a click in a message, a page that navigates):
// a mail address opens Maildock's own compose; a web address opens in the browser only
// after the person has seen where it goes and said yes. Mail is where links lie about
// their target, so the dialog names the host and the whole address, not the link's text.
import { parseMailto, type MailtoDraft } from './mailto.js';
import { externalTarget } from './security.js';

export interface ExternalPrompt {
  message: string;
  detail: string;
  buttons: [string, string];
  /** The button Enter presses and the one Escape does: both "Cancel". */
  defaultId: 1;
  cancelId: 1;
}

/** The question for a web address (one externalTarget let through). */
export function externalPrompt(target: string): ExternalPrompt {
  const url = new URL(target);
  // URL gives an international name in its xn-- form: a look-alike host shows as what it is.
  return {
    message: `Open ${url.hostname} in your browser?`,
    detail: `The link goes to:\n${url.href}`,
    buttons: ['Open', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
  };
}

export interface ExternalDeps {
  /** Shows the prompt; true when the person chose to open. */
  ask(prompt: ExternalPrompt): Promise<boolean>;
  /** shell.openExternal. */
  open(target: string): Promise<void>;
  compose(draft: MailtoDraft): void;
}

export type ExternalOutcome = 'opened' | 'composed' | 'declined' | 'refused';

export async function followExternal(raw: string, deps: ExternalDeps): Promise<ExternalOutcome> {
  const target = externalTarget(raw);
  if (!target) return 'refused';
  if (target.startsWith('mailto:')) {
    const draft = parseMailto(target);
    if (!draft) return 'refused';
    deps.compose(draft);
    return 'composed';
  }
  if (!(await deps.ask(externalPrompt(target)))) return 'declined';
  await deps.open(target);
  return 'opened';
}
