// How the server of one person puts the first screen into `/` (main/server/first-screen.ts,
// page.ts), over a real service, with stand-ins for the renderer's build for Node (a module
// at dist/renderer-ssr/render.js beside the page, as the build leaves it): drawn only for
// the signed-in browser, its answers kept inside their script element whatever they hold,
// the page sent without it when drawing fails or takes too long, and a module built again
// loaded again. test/e2e/first-screen.test.ts draws the real one in Chromium.
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { DRAW_LIMIT_MS } from '../../main/server/first-screen.js';
import { openService, type TestService } from '../support/service.js';

const token = 'first-screen-token-'.padEnd(43, 'x');
const PAGE =
  '<!doctype html><html lang="en"><head><title>Maildock</title></head>' +
  '<body><div id="root"></div></body></html>';

/** A stand-in for the built renderer: draws what `body` says, counting its calls. */
const module = (body: string) => `
let calls = 0;
export async function renderFirstScreen(req) {
  globalThis.__firstScreenCalls = ++calls;
  ${body}
}`;

describe('the first screen in the page of the server of one person', () => {
  let t: TestService;
  let dir: string;
  let app: FastifyInstance;
  let base: string;
  let cookie: string;
  const renderFile = () => path.join(dir, 'renderer-ssr', 'render.js');

  /** Replaces the built module; a new modification time, as a new build has. */
  async function build(body: string, at: number): Promise<void> {
    await writeFile(renderFile(), module(body));
    await utimes(renderFile(), at, at);
  }

  const get = async (headers: Record<string, string> = { cookie }) => {
    const res = await fetch(`${base}/`, { headers });
    return { status: res.status, html: await res.text(), cache: res.headers.get('cache-control') };
  };

  beforeAll(async () => {
    t = await openService(SERVER_SERVICE_OPTIONS);
    dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-first-screen-'));
    await mkdir(path.join(dir, 'renderer'));
    await mkdir(path.join(dir, 'renderer-ssr'));
    await writeFile(path.join(dir, 'renderer', 'index.html'), PAGE);
    await build(
      `const mailboxes = await req.invoke('mailbox.list', {});
      return {
        markup: '<p class="drawn">' + req.languages.join(',') + ' ' + mailboxes.ok + '</p>',
        language: 'de"><script>',
        answers: [{ method: 'mailbox.list', input: {}, envelope: { ok: true, value: "</script><script>alert(1)</script> $& $'" } }],
      };`,
      1_000,
    );
    app = await buildServer(t.svc, {
      token,
      loopbackOnly: true,
      staticDir: path.join(dir, 'renderer'),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const signIn = await fetch(`${base}/?token=${token}`, { redirect: 'manual' });
    cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  });

  afterAll(async () => {
    await app?.close();
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('draws it for the signed-in browser, in its language, from the service', async () => {
    const page = await get({ cookie, 'accept-language': 'fr;q=0.5, de-AT' });
    expect(page.status).toBe(200);
    expect(page.html).toContain('<div id="root"><p class="drawn">de-AT,fr true</p></div>');
    // The language is a tag and nothing else; the answers lead the head, before any script.
    expect(page.html).toMatch(
      /^<!doctype html><html lang="descript"><head>\n<meta name="maildock-signin" content="link" \/><script type="application\/json" id="maildock-first-answers">/,
    );
    // The page has mail in it: never kept.
    expect(page.cache).toBe('no-store');
  });

  it('keeps what the answers hold inside their script element', async () => {
    const { html } = await get();
    const script =
      /<script type="application\/json" id="maildock-first-answers">(.*?)<\/script>/s.exec(html)!;
    expect(script[1]).not.toContain('<');
    const [answer] = JSON.parse(script[1]!) as { envelope: { value: string } }[];
    expect(answer!.envelope.value).toBe("</script><script>alert(1)</script> $& $'");
    expect(html).not.toContain('<script>alert(1)');
  });

  it('draws nothing for a browser that is not signed in', async () => {
    const before = (globalThis as { __firstScreenCalls?: number }).__firstScreenCalls;
    const page = await get({});
    expect(page.html).toBe(
      PAGE.replace('<head>', '<head>\n<meta name="maildock-signin" content="link" />'),
    );
    expect(page.cache).toBe('no-cache');
    expect((globalThis as { __firstScreenCalls?: number }).__firstScreenCalls).toBe(before);
  });

  it('draws nothing where the browser’s view is its own, or its time zone another', async () => {
    for (const view of ['plain=1', 'tz=Asia%2FTokyo', 'tz=Pacific%2FKiritimati']) {
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (view.includes(encodeURIComponent(zone))) continue;
      const page = await get({ cookie: `${cookie}; maildock-view=${view}` });
      expect(page.html).not.toContain('class="drawn"');
    }
  });

  it('sends the page without it when drawing fails, or takes too long', async () => {
    await build(`throw new Error('the store went away');`, 2_000);
    const failed = await get();
    expect(failed.status).toBe(200);
    expect(failed.html).toContain('<div id="root"></div>');
    expect(failed.cache).toBe('no-cache');

    await build(`return new Promise(() => {});`, 3_000);
    const started = Date.now();
    const late = await get();
    expect(late.html).toContain('<div id="root"></div>');
    expect(Date.now() - started).toBeGreaterThanOrEqual(DRAW_LIMIT_MS - 50);
    expect(Date.now() - started).toBeLessThan(DRAW_LIMIT_MS + 2_000);
  });

  it('loads the module again when it is built again', async () => {
    await build(
      `return { markup: '<p class="drawn">again</p>', language: 'en', answers: [] };`,
      4_000,
    );
    expect((await get()).html).toContain('<p class="drawn">again</p>');
  });

  it('sends the page as before where there is no build for Node', async () => {
    await rm(renderFile());
    const page = await get();
    expect(page.status).toBe(200);
    expect(page.html).toContain('<div id="root"></div>');
  });
});
