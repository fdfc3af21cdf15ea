// "This app": Maildock's version, where account passwords are kept (the system keychain or
// the encrypted file, as `maildock doctor` says too), and in the desktop app what closing
// the window and quitting do, and whether Maildock opens the system's email links.
import { useEffect, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { AppInfo, AppSettings } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { ErrorLine } from './ErrorLine.js';

export function secretsWords(info: AppInfo): string {
  return info.secrets === 'keychain'
    ? 'Account passwords are kept in the system keychain.'
    : 'Account passwords are kept in an encrypted file in Maildock’s data folder (no system keychain is used here).';
}

export function AppPanel() {
  const client = useClient();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [settings, setSettings] = useState<AppSettings | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const desktop = client.transport === 'ipc';
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
    <section className="app-panel" aria-label="This app">
      <h3>Maildock {info?.version ?? ''}</h3>
      {info ? <p className="app-secrets">{secretsWords(info)}</p> : null}
      {desktop && settings ? (
        <fieldset className="app-settings">
          <legend>The desktop app</legend>
          <label>
            <input
              type="checkbox"
              checked={settings.closeToTray}
              onChange={(e) => change({ closeToTray: e.target.checked })}
            />{' '}
            Closing the window keeps Maildock running in the tray
          </label>
          <label>
            <input
              type="checkbox"
              checked={settings.stopStackOnQuit}
              onChange={(e) => change({ stopStackOnQuit: e.target.checked })}
            />{' '}
            Quitting Maildock also stops the local mail stack
          </label>
          <label>
            Open email links (mailto:) from other programs with Maildock{' '}
            <select
              value={settings.mailtoHandler}
              onChange={(e) =>
                change({ mailtoHandler: e.target.value as AppSettings['mailtoHandler'] })
              }
            >
              <option value="ask">Ask me at the next start</option>
              <option value="yes">Yes</option>
              <option value="no">No</option>
            </select>
          </label>
        </fieldset>
      ) : null}
      {error ? <ErrorLine error={error} /> : null}
    </section>
  );
}
