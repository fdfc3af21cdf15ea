// @vitest-environment jsdom
// Every screen that shows an error says describeError()'s sentence for each code of the
// closed set: the pane and settings (ErrorDetails), a status line (errorText) and an
// offline account. error-words.test.ts holds the terminal to the same sentences.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { describeError, errorText } from '../../common/error-words.js';
import { ERROR_CODES, ERROR_TEXT, type ErrorCode, type ErrorData } from '../../common/errors.js';
import { offlineReason } from '../../renderer/src/settings/sync-words.js';
import { ErrorDetails } from '../../renderer/src/ui/ErrorDetails.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const errorOf = (code: ErrorCode): ErrorData => ({
  code,
  message: `What the core said about ${code.toLowerCase()}.`,
  fields: { hint: 'What to do next.' },
});

async function shown(error: ErrorData): Promise<{ sentence: string; lines: string[] }> {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => root.render(<ErrorDetails error={error} sentenceClass="sentence" />));
  const lines = [...container.querySelectorAll('p')].map((p) => p.textContent ?? '');
  const sentence = container.querySelector('.sentence')?.textContent ?? '';
  await act(async () => root.unmount());
  container.remove();
  return { sentence, lines };
}

describe('describeError on screen', () => {
  it.each(ERROR_CODES)('%s: every screen says the same sentence', async (code) => {
    const error = errorOf(code);
    const words = describeError(error);
    expect(words.sentence).toBe(ERROR_TEXT[code]);
    const pane = await shown(error);
    expect(pane.sentence).toBe(words.sentence);
    expect(pane.lines).toContain('What to do next.');
    expect(errorText(error)).toBe(
      code === 'INTERNAL' ? words.sentence : `${words.sentence} ${error.message}`,
    );
    const offline = {
      error,
      host: 'imap.example.org',
      since: '2026-12-06T21:00:00Z',
      retryAt: null,
    };
    expect(offlineReason(offline)).toBe(`${words.sentence} (imap.example.org)`);
  });
});
