// The browser's view of the first screen, as the app tells it to the server
// (renderer/src/first-screen/view-cookie.ts): the server draws only the defaults.
import { describe, expect, it } from 'vitest';
import { defaultView } from '../../renderer/src/first-screen/view-cookie.js';

describe('the view cookie, as the app writes it', () => {
  it('is plain once any preference of the first screen is not its default', () => {
    const stored = (entries: Record<string, string>) => (key: string) => entries[key] ?? null;
    expect(defaultView(stored({}))).toBe(true);
    expect(
      defaultView(
        stored({
          'maildock.theme': 'system',
          'maildock.density': 'comfortable',
          'maildock.threads': '0',
          'maildock.language': 'system',
        }),
      ),
    ).toBe(true);
    for (const [key, value] of [
      ['maildock.theme', 'dark'],
      ['maildock.density', 'compact'],
      ['maildock.threads', '1'],
      ['maildock.language', 'de'],
      ['maildock.panes', '{"folders":300,"list":420}'],
    ] as const) {
      expect(defaultView(stored({ [key]: value })), key).toBe(false);
    }
  });
});
