// The first screen drawn on the server of one person: for a signed-in browser, `/` carries
// the app's first render (the folders and the first rows) and the answers it was drawn
// from, so the person's mail shows before the app's code has arrived. The renderer's build
// for Node (dist/renderer-ssr/render.js, beside dist/renderer) draws it; it is loaded by
// path, as the page's files are served, and loaded again when built again.
//
// It is drawn only where it will be what the app shows: not for a browser whose view
// differs (its cookie says `plain`) or whose time zone is another (the rows' dates), and
// never for longer than DRAW_LIMIT_MS: past that the page goes without it.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import {
  parseViewCookie,
  VIEW_COOKIE,
  type FirstScreen,
  type RenderFirstScreen,
} from '../../common/first-screen.js';
import { publicResult } from '../../common/public-error.js';
import { isMethodName } from '../../common/api.js';
import type { MaildockService } from '../core/service.js';

/** Past this the page is sent without its first screen: the app asks for it as before. */
export const DRAW_LIMIT_MS = 1_000;

/** Where the renderer's build for Node is, beside the page's build in `staticDir`. */
export const firstScreenModule = (staticDir: string): string =>
  join(dirname(staticDir), 'renderer-ssr', 'render.js');

/** Draws the first screen for a request; null where it is not to be drawn. */
export type DrawFirstScreen = ((req: FastifyRequest) => Promise<FirstScreen | null>) & {
  /**
   * Settles once no load of the module is under way: a process must not exit in the middle
   * of one (Node 20 can abort when its module loader is cut off), so closing waits for it.
   */
  loaded(): Promise<void>;
};

/** Whether two time zones write every date alike (Etc/UTC and UTC, say), now and in half a year. */
export function sameTimeZone(a: string, b: string, now = Date.now()): boolean {
  if (a === b) return true;
  try {
    const write = (zone: string, t: number) =>
      new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        dateStyle: 'short',
        timeStyle: 'short',
      }).format(t);
    return [now, now + 182 * 86_400_000].every((t) => write(a, t) === write(b, t));
  } catch {
    return false; // a zone this server does not know
  }
}

/** The browser's languages by its Accept-Language, most wanted first. */
export const languagesOf = (req: FastifyRequest): string[] =>
  new Negotiator({ headers: { 'accept-language': req.headers['accept-language'] } })
    .languages()
    .filter((tag) => tag !== '*');

export function firstScreenDrawer(
  service: Pick<MaildockService, 'invoke'>,
  staticDir: string,
  log: FastifyBaseLogger,
): DrawFirstScreen {
  const file = firstScreenModule(staticDir);
  const serverZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  let loaded: { at: number; render: Promise<RenderFirstScreen> } | null = null;

  const renderer = (): Promise<RenderFirstScreen> | null => {
    if (!existsSync(file)) return null;
    const at = statSync(file).mtimeMs;
    if (loaded?.at !== at) {
      const render = import(`${pathToFileURL(file).href}?at=${at}`).then(
        (m: { renderFirstScreen: RenderFirstScreen }) => m.renderFirstScreen,
      );
      loaded = { at, render };
    }
    return loaded.render;
  };

  // Loaded as the server starts, not by the first page it sends.
  renderer()?.catch((err: unknown) => log.warn({ err }, 'first screen renderer not loaded'));

  // What `POST /api/<method>` would answer, as it would reach the page (JSON).
  const invoke = async (method: string, input: unknown): Promise<unknown> => {
    if (!isMethodName(method)) throw new Error(`no method ${method}`);
    return JSON.parse(JSON.stringify(publicResult(method, await service.invoke(method, input))));
  };

  const draw = async (req: FastifyRequest): Promise<FirstScreen | null> => {
    const view = parseViewCookie(req.cookies[VIEW_COOKIE]);
    if (view.plain) return null;
    if (view.timeZone && !sameTimeZone(view.timeZone, serverZone)) return null;
    const render = renderer();
    if (!render) return null;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), DRAW_LIMIT_MS);
    });
    try {
      const drawn = (await render)({ invoke, languages: languagesOf(req) });
      const first = await Promise.race([drawn, late]);
      if (!first) {
        drawn.catch(() => undefined);
        log.warn({ limitMs: DRAW_LIMIT_MS }, 'first screen not drawn in time; page sent without');
      }
      return first;
    } catch (err) {
      log.warn({ err }, 'first screen not drawn; page sent without');
      return null;
    } finally {
      clearTimeout(timer);
    }
  };
  return Object.assign(draw, {
    loaded: async () => {
      await loaded?.render.catch(() => undefined);
    },
  });
}
