// @vitest-environment jsdom
// No raw error reaches the screen: an internal error, or one whose message is a dump (JSON,
// a validator's issues), reads as its code's sentence with "Copy details", and the button
// puts the code, message and fields on the clipboard. Every pane's error goes through it.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_TEXT, type ErrorData } from '../../common/errors.js';
import { errorText, describeError } from '../../common/error-words.js';
import { ErrorLine } from '../../renderer/src/settings/ErrorLine.js';
import { ErrorState } from '../../renderer/src/ui/States.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const zodDump: ErrorData = {
  code: 'INTERNAL',
  message:
    '[\n  {\n    "code": "unrecognized_keys",\n    "keys": ["fields"],\n    "path": ["errors", 0]\n  }\n]',
};
const contractDump: ErrorData = {
  code: 'PROTOCOL_ERROR',
  message: 'The answer does not match: {"errors":[{"code":"HOST_UNREACHABLE"}]}',
  fields: { method: 'sync.state' },
};
const refused: ErrorData = {
  code: 'HOST_UNREACHABLE',
  message: '127.0.0.1:1143 could not be reached (ECONNREFUSED).',
  fields: { host: '127.0.0.1', port: 1143, hint: 'Is the server running?' },
};

let container: HTMLElement | null = null;
afterEach(() => container?.remove());

async function render(node: React.ReactNode): Promise<HTMLElement> {
  container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => root.render(node));
  return container;
}

describe('an error on screen', () => {
  it('keeps what went wrong inside, and any dump, off the screen', () => {
    expect(describeError(zodDump)).toEqual({
      sentence: ERROR_TEXT.INTERNAL,
      detail: null,
      hint: null,
    });
    expect(errorText(contractDump)).toBe(ERROR_TEXT.PROTOCOL_ERROR);
    expect(describeError(refused)).toEqual({
      sentence: ERROR_TEXT.HOST_UNREACHABLE,
      detail: refused.message,
      hint: 'Is the server running?',
    });
  });

  for (const [name, node] of [
    ['settings', <ErrorLine key="l" error={zodDump} />],
    ['a pane', <ErrorState key="s" error={zodDump} />],
  ] as const) {
    it(`in ${name}: one sentence and Copy details, which copies code, message and fields`, async () => {
      let copied = '';
      Object.defineProperty(navigator, 'clipboard', {
        configurable: true,
        value: { writeText: async (text: string) => void (copied = text) },
      });
      const el = await render(node);
      expect(el.textContent).toContain(ERROR_TEXT.INTERNAL);
      expect(el.textContent).not.toMatch(/[{}[\]]|unrecognized_keys/);
      const button = [...el.querySelectorAll('button')].find(
        (b) => b.textContent === 'Copy details',
      );
      expect(button).toBeDefined();
      await act(async () => button!.click());
      expect(JSON.parse(copied)).toEqual({ code: 'INTERNAL', message: zodDump.message });
      expect(button!.textContent).toBe('Copied');
    });
  }
});
