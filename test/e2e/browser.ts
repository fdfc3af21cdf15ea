// Debian's Chromium driven by playwright-core (no browser download), headless, with the
// flags this machine needs: as root no sandbox, and no background networking (its
// connections would be refused by the closed network). Each run gets a new empty profile.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.MAILDOCK_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface BrowserOptions {
  /**
   * The browser's language (navigator.languages, Accept-Language). English unless a test
   * asks for another, whatever the machine's locale: the tests find elements by their words.
   */
  locale?: string;
  /** False: the page's scripts never run (what the page is before its code arrives). */
  javaScript?: boolean;
  /** The browser's time zone (IANA); the machine's otherwise. */
  timeZone?: string;
}

export async function startBrowser(opts: BrowserOptions = {}): Promise<Browser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'maildock-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: FLAGS,
    viewport: { width: 1400, height: 860 },
    colorScheme: 'light',
    locale: opts.locale ?? 'en-US',
    javaScriptEnabled: opts.javaScript ?? true,
    ...(opts.timeZone ? { timezoneId: opts.timeZone } : {}),
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
