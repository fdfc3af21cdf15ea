// app.*: the desktop app's settings, kept in the store, and what this Maildock is.
import type { Api } from '../../../common/api.js';
import {
  APP_SETTINGS_DEFAULTS,
  appSettingsSchema,
  type AppSettings,
} from '../../../common/types.js';
import { appVersion } from '../platform/paths.js';
import { patchJson, type Store } from '../store/index.js';
import type { MethodContext } from './context.js';

const APP_SETTINGS_KEY = 'app.settings';

/** The desktop app's settings, with the given fields changed first. */
export function appSettings(store: Store, patch: Partial<AppSettings> = {}): Promise<AppSettings> {
  return patchJson(
    store.settings,
    APP_SETTINGS_KEY,
    appSettingsSchema.partial(),
    APP_SETTINGS_DEFAULTS,
    patch,
  );
}

export function appMethods(ctx: MethodContext): Pick<Api, 'app.settings' | 'app.info'> {
  return {
    'app.settings': async (patch) => ctx.appSettings(patch),
    'app.info': async () => ({ version: appVersion(), secrets: ctx.secrets.kind }),
  };
}
