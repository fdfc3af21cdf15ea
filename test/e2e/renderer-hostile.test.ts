// Hostile HTML mail in the real reader, in Chromium: each message below tries to run script,
// submit, navigate or call home, every attempt aimed at the counting image server under its
// own path. Opened one by one (links and buttons clicked too), none may reach it, change
// the page, or leave an error; the frame keeps its sandbox and its CSP.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../support/processes.js';
import { makeMail } from '../support/mail.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

/** [name, body]: `B` is the image server's address; each attempt names itself in the path. */
const HOSTILE = (B: string): [string, string][] => [
  [
    'script',
    `<p>a</p><script>new Image().src='${B}/script'; parent.document.title='pwned'</script>`,
  ],
  [
    'event handlers',
    `<img src="x" onerror="new Image().src='${B}/onerror'"><p onmouseover="fetch('${B}/hover')">hover</p>`,
  ],
  ['javascript: link', `<a id="go" href="javascript:new Image().src='${B}/jslink'">click me</a>`],
  [
    'svg script and onload',
    `<svg onload="fetch('${B}/svgonload')"><script>fetch('${B}/svgscript')</script><image href="${B}/svgimage" width="10" height="10"/></svg>`,
  ],
  [
    'svg use and animate',
    `<svg><use href="${B}/use.svg#a"/><a><animate attributeName="href" values="javascript:fetch('${B}/animate')"/><text y="20">x</text></a></svg>`,
  ],
  [
    'css url() inline',
    `<div style="background:url(${B}/cssinline);width:50px;height:50px">x</div>`,
  ],
  [
    'css in a style element',
    `<style>@import url(${B}/cssimport); body { background: url("${B}/cssbg") } @font-face { font-family: f; src: url(${B}/font.woff) } p { font-family: f }</style><p>styled</p>`,
  ],
  ['meta refresh', `<meta http-equiv="refresh" content="0;url=${B}/refresh"><p>wait</p>`],
  [
    'form',
    `<form action="${B}/form" method="post"><input name="q" value="secret"><button id="send">Send</button></form>`,
  ],
  [
    'frames and objects',
    `<iframe src="${B}/iframe"></iframe><object data="${B}/object"></object><embed src="${B}/embed">`,
  ],
  [
    'links to stylesheets and prefetch',
    `<link rel="stylesheet" href="${B}/link.css"><link rel="prefetch" href="${B}/prefetch"><link rel="preload" as="image" href="${B}/preload">`,
  ],
  [
    'media and srcset',
    `<video poster="${B}/poster" src="${B}/video"></video><audio src="${B}/audio" autoplay></audio><img srcset="${B}/srcset 2x" alt="s"><picture><source srcset="${B}/source"><img alt="p"></picture>`,
  ],
  [
    'base href',
    `<base href="${B}/base/"><img src="relative.png" alt="r"><a href="page">relative</a>`,
  ],
  [
    'background attribute',
    `<table background="${B}/tablebg"><tr><td background="${B}/tdbg">cell</td></tr></table><body background="${B}/bodybg">`,
  ],
];

describe('hostile HTML in the reader', () => {
  let served: ServedInbox;
  let browser: Browser;
  let page: Page;
  let cases: [string, string][];
  const errors: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    served = await startServedInbox();
    cases = HOSTILE(served.images.base);
    await served.dovecot.loadMaildir(
      'Hostile',
      cases.map(([name, html], i) => ({
        raw: makeMail({
          subject: `Hostile: ${name}`,
          html,
          text: 'text',
          date: new Date(Date.UTC(2023, 0, 1, 0, i)),
        }),
      })),
    );
    await served.api('sync.run', {});
    browser = await startBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    // A link asks before it opens outside (window.confirm): the reader says no each time.
    page.on('dialog', (d) => void d.dismiss());
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('runs no script, submits nothing, navigates nowhere and fetches nothing', async () => {
    await page.goto(served.signIn);
    const app = page.url();
    await page.getByRole('button', { name: /^Hostile/ }).click();
    await expect.poll(() => page.locator('.row').count()).toBe(cases.length);
    const frame = page.frameLocator('iframe.mail-frame');
    for (const [name] of cases) {
      await page.locator('.row', { hasText: `Hostile: ${name}` }).click();
      await expect
        .poll(() => page.locator('.reader-subject').textContent())
        .toBe(`Hostile: ${name}`);
      await frame.locator('body').waitFor();
      // Whatever can be clicked or hovered is, as a curious reader would.
      for (const target of await frame.locator('a, button, p').all()) {
        await target.hover({ timeout: 2000 }).catch(() => undefined);
        await target.click({ timeout: 2000, noWaitAfter: true }).catch(() => undefined);
      }
      await sleep(150);
      expect({ name, hits: served.images.total() }).toEqual({ name, hits: 0 });
      expect(await page.title()).toBe('Maildock');
      expect(page.url()).toBe(app);
      expect(await page.locator('iframe.mail-frame').getAttribute('sandbox')).toBe(
        'allow-same-origin',
      );
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'hostile-last.png') });
    // Meta refreshes and late loads get their chance too.
    await sleep(1500);
    expect(served.images.total()).toBe(0);
    // The attempts are real: once the user loads remote content, what is only an image
    // arrives, and nothing else.
    await page.locator('.row', { hasText: 'Hostile: css url() inline' }).click();
    await page.getByRole('button', { name: 'Load images' }).click();
    await expect.poll(() => served.images.hits('/cssinline'), { timeout: 10_000 }).toBe(1);
    await sleep(500);
    expect(served.images.total()).toBe(1);
    expect(errors).toEqual([]);
  });
});
