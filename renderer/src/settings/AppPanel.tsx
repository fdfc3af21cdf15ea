// "This app": Maildock's version, where account passwords are kept (the system keychain or
// the encrypted file, as `maildock doctor` says too), and in the desktop app what closing
// the window and quitting do, and whether Maildock opens the system's email links; the
// message list's density (kept in this browser, like the theme).
import { useEffect, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { AppInfo, AppSettings } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { i18n, useTranslation } from '../i18n/index.js';
import { useDensity } from '../state/settings.js';
import { ErrorLine } from './ErrorLine.js';
import { LanguagePicker } from './LanguagePicker.js';

export function secretsWords(info: AppInfo): string {
  return info.secrets === 'keychain'
    ? i18n.t('settings.app.keychain')
    : i18n.t('settings.app.file');
}

export function AppPanel() {
  const { t } = useTranslation();
  const client = useClient();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [settings, setSettings] = useState<AppSettings | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const desktop = client.transport === 'ipc';
  const [density, setDensity] = useDensity();
  useEffect(() => {
    client.call('app.info', {}).then(setInfo, (err: unknown) => setError(errorDataOf(err)));
    if (desktop) {
      client
        .call('app.settings', {})
        .then(setSettings, (err: unknown) => setError(errorDataOf(err)));
    }
  }, [client, desktop]);
  const change = (patch: Partial<AppSettings>) => {
    setError(null);
    client
      .call('app.settings', patch)
      .then(setSettings, (err: unknown) => setError(errorDataOf(err)));
  };
  return (
    <section className="app-panel" aria-label={t('settings.app.label')}>
      <h3>{t('settings.app.version', { version: info?.version ?? '' })}</h3>
      {info ? <p className="app-secrets">{secretsWords(info)}</p> : null}
      {desktop && settings ? (
        <fieldset className="app-settings">
          <legend>{t('settings.app.desktop')}</legend>
          <label>
            <input
              type="checkbox"
              checked={settings.closeToTray}
              onChange={(e) => change({ closeToTray: e.target.checked })}
            />{' '}
            {t('settings.app.closeToTray')}
          </label>
          <label>
            <input
              type="checkbox"
              checked={settings.stopStackOnQuit}
              onChange={(e) => change({ stopStackOnQuit: e.target.checked })}
            />{' '}
            {t('settings.app.stopStack')}
          </label>
          <label>
            {t('settings.app.mailto')}{' '}
            <select
              value={settings.mailtoHandler}
              onChange={(e) =>
                change({ mailtoHandler: e.target.value as AppSettings['mailtoHandler'] })
              }
            >
              <option value="ask">{t('settings.app.ask')}</option>
              <option value="yes">{t('settings.app.yes')}</option>
              <option value="no">{t('settings.app.no')}</option>
            </select>
          </label>
        </fieldset>
      ) : null}
      <fieldset className="app-settings app-density">
        <legend>{t('settings.app.density')}</legend>
        {(['comfortable', 'compact'] as const).map((d) => (
          <label key={d}>
            <input
              type="radio"
              name="density"
              value={d}
              checked={density === d}
              onChange={() => setDensity(d)}
            />{' '}
            {t(`settings.app.${d}`)}
          </label>
        ))}
      </fieldset>
      <LanguagePicker />
      {error ? <ErrorLine error={error} /> : null}
    </section>
  );
}
