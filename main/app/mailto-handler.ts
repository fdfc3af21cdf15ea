// Whether Maildock is the system's program for mailto: links is the person's choice: it
// asks once (Settings → This app changes the answer), and only a "yes" makes it the handler.
import type { AppSettings } from '../../common/types.js';

export type MailtoHandlerStep = 'set' | 'unset' | 'ask' | 'none';

/**
 * What to do at start or after the setting changed. "ask" asks even when Maildock is the
 * handler already: earlier versions made themselves so without asking.
 */
export function mailtoHandlerStep(
  setting: AppSettings['mailtoHandler'],
  isDefault: boolean,
): MailtoHandlerStep {
  if (setting === 'ask') return 'ask';
  if (setting === 'yes') return isDefault ? 'none' : 'set';
  return isDefault ? 'unset' : 'none';
}

export const MAILTO_PROMPT = {
  message: 'Open email links with Maildock?',
  detail:
    'Links that start a new message (mailto:) in your browser and other programs would open here. You can change this in Settings → This app.',
  buttons: ['Use Maildock', 'Not now'],
  defaultId: 0,
  cancelId: 1,
} as const;

/** The setting the answer to MAILTO_PROMPT leaves: asked once, never again by itself. */
export const mailtoAnswer = (response: number): 'yes' | 'no' => (response === 0 ? 'yes' : 'no');
