// Backups in the settings: "Back up now" with its progress (bytes, rate, time left) and a
// Cancel, the archives made so far each with a Verify and a Restore (asked twice: it
// replaces everything the app holds), and the schedule (off by default).
import { useCallback, useEffect, useState } from 'react';
import { progressFraction, progressText, restoredText, sizeText } from './backup-words.js';
import { Trans, useTranslation } from '../i18n/index.js';
import type { ErrorData } from '../../../common/errors.js';
import type {
  BackupProgressEvent,
  BackupReport,
  BackupResult,
  BackupSchedule,
  RestoreResult,
} from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { ErrorLine } from './ErrorLine.js';

const baseName = (file: string) => file.split(/[\\/]/).at(-1) ?? file;

export function BackupPanel() {
  const { t } = useTranslation();
  const client = useClient();
  const [list, setList] = useState<BackupResult[] | null>(null);
  const [schedule, setSchedule] = useState<BackupSchedule | null>(null);
  const [progress, setProgress] = useState<BackupProgressEvent | null>(null);
  const [running, setRunning] = useState(false);
  const [made, setMade] = useState<BackupResult | null>(null);
  const [reports, setReports] = useState<Record<string, BackupReport | 'checking'>>({});
  const [error, setError] = useState<ErrorData | null>(null);
  /** The archive whose Restore was pressed, waiting for the second yes. */
  const [asking, setAsking] = useState<string | null>(null);
  /** Each archive's passphrase as typed (an encrypted one's, or its sealed passwords'). */
  const [keys, setKeys] = useState<Record<string, string>>({});
  const keyOf = (file: string) => keys[file] ?? '';
  const setKey = (file: string, value: string) => setKeys((k) => ({ ...k, [file]: value }));
  /** "Back up now" under a passphrase: the whole archive encrypted, the passwords in it. */
  const [sealed, setSealed] = useState(false);
  const [newKey, setNewKey] = useState('');
  const [restoring, setRestoring] = useState(false);
  const [restored, setRestored] = useState<RestoreResult | null>(null);
  const fail = (err: unknown) => setError(errorDataOf(err));
  const named = (file: string) => (client.transport === 'http' ? baseName(file) : file);

  const reload = useCallback(() => {
    client.call('backup.list', {}).then(setList, fail);
  }, [client]);
  useEffect(() => {
    reload();
    client.call('backup.schedule', {}).then(setSchedule, fail);
    return client.on('backup.progress', (p) => setProgress(p));
  }, [client, reload]);

  const backUp = () => {
    setRunning(true);
    setError(null);
    setMade(null);
    setProgress(null);
    client
      .call(
        'backup.create',
        sealed ? { encrypt: true, includeSecrets: true, passphrase: newKey } : {},
      )
      .then((made) => {
        setMade(made);
        setNewKey('');
      }, fail)
      .finally(() => {
        setRunning(false);
        setProgress(null);
        reload();
      });
  };
  const restore = (file: string) => {
    setAsking(null);
    setRestoring(true);
    setError(null);
    setRestored(null);
    setProgress(null);
    client
      .call('backup.restore', {
        file: named(file),
        ...(keyOf(file) ? { passphrase: keyOf(file) } : {}),
      })
      .then((r) => {
        setRestored(r);
        // The restored store has its own schedule and sits beside the same backups.
        reload();
        client.call('backup.schedule', {}).then(setSchedule, fail);
      }, fail)
      .finally(() => {
        setRestoring(false);
        setProgress(null);
        setKey(file, '');
      });
  };
  const verify = (file: string) => {
    setReports((r) => ({ ...r, [file]: 'checking' }));
    const passphrase = keyOf(file);
    client.call('backup.verify', { file: named(file), ...(passphrase ? { passphrase } : {}) }).then(
      (report) => setReports((r) => ({ ...r, [file]: report })),
      (err: unknown) => {
        setReports((r) => {
          const { [file]: _, ...rest } = r;
          return rest;
        });
        fail(err);
      },
    );
  };
  // Shown at once, then as the core has it (the old one back when it refuses).
  const changeSchedule = (patch: Partial<BackupSchedule>) => {
    const before = schedule;
    if (before) setSchedule({ ...before, ...patch });
    return client.call('backup.schedule', patch).then(setSchedule, (err: unknown) => {
      setSchedule(before);
      fail(err);
    });
  };

  return (
    <section className="backup-panel" aria-label={t('settings.backup.label')}>
      <p>{t('settings.backup.about')}</p>
      <div className="backup-now">
        <button
          type="button"
          onClick={backUp}
          disabled={running || restoring || (sealed && newKey.length < 8)}
        >
          {running ? t('settings.backup.backingUp') : t('settings.backup.now')}
        </button>
        {running ? (
          <button type="button" onClick={() => void client.call('backup.cancel', {})}>
            {t('settings.backup.cancel')}
          </button>
        ) : null}
      </div>
      <div className="backup-sealed">
        <label>
          <input type="checkbox" checked={sealed} onChange={(e) => setSealed(e.target.checked)} />{' '}
          {t('settings.backup.encrypt')}
        </label>
        {sealed ? (
          <label>
            {' '}
            {t('settings.backup.newPassphrase')}{' '}
            <input
              type="password"
              autoComplete="new-password"
              value={newKey}
              onChange={(e) => setNewKey(e.target.value)}
            />
          </label>
        ) : null}
      </div>
      {(running || restoring) && progress ? (
        <div className="backup-progress">
          <progress
            aria-label={t('settings.backup.progress')}
            value={progressFraction(progress)}
            max={1}
          />
          <span role="status">{progressText(progress)}</span>
        </div>
      ) : null}
      {made ? (
        <p role="status" className="backup-made">
          {t('settings.backup.written', {
            name: baseName(made.file),
            size: sizeText(made.bytes),
            count: made.files ?? 0,
          })}
        </p>
      ) : null}
      {restored ? (
        <p role="status" className="backup-restored">
          {restoredText(restored)}{' '}
          <button type="button" onClick={() => window.location.reload()}>
            {t('settings.backup.showRestored')}
          </button>
        </p>
      ) : null}
      {error ? <ErrorLine error={error} /> : null}

      <h3>{t('settings.backup.made')}</h3>
      {list === null ? null : list.length === 0 ? (
        <p className="backup-empty">{t('settings.backup.none')}</p>
      ) : (
        <ul className="backup-list">
          {list.map((b) => {
            const report = reports[b.file];
            return (
              <li key={b.file}>
                <span className="backup-name">{baseName(b.file)}</span>{' '}
                <span className="backup-size">{sizeText(b.bytes)}</span>{' '}
                {b.encrypted ? (
                  <>
                    <span className="backup-encrypted">{t('settings.backup.encrypted')}</span>{' '}
                    <input
                      type="password"
                      autoComplete="off"
                      aria-label={t('settings.backup.passphraseOf', { name: baseName(b.file) })}
                      placeholder={t('settings.backup.passphrase')}
                      value={keyOf(b.file)}
                      onChange={(e) => setKey(b.file, e.target.value)}
                    />{' '}
                  </>
                ) : null}
                <button
                  type="button"
                  disabled={report === 'checking'}
                  onClick={() => verify(b.file)}
                  aria-label={t('settings.backup.verifyName', { name: baseName(b.file) })}
                >
                  {report === 'checking'
                    ? t('settings.backup.verifying')
                    : t('settings.backup.verify')}
                </button>{' '}
                <button
                  type="button"
                  disabled={restoring || running}
                  onClick={() => setAsking(b.file)}
                  aria-label={t('settings.backup.restoreName', { name: baseName(b.file) })}
                >
                  {t('settings.backup.restore')}
                </button>
                {asking === b.file ? (
                  <div
                    className="backup-confirm"
                    role="group"
                    aria-label={t('settings.backup.restoreQuestion', { name: baseName(b.file) })}
                  >
                    <p>{t('settings.backup.restoreWarning')}</p>
                    {b.encrypted ? null : (
                      <label>
                        {t('settings.backup.secretsPassphrase')}{' '}
                        <input
                          type="password"
                          autoComplete="off"
                          value={keyOf(b.file)}
                          onChange={(e) => setKey(b.file, e.target.value)}
                        />
                      </label>
                    )}{' '}
                    <button type="button" data-autofocus onClick={() => restore(b.file)}>
                      {t('settings.backup.replace')}
                    </button>{' '}
                    <button type="button" onClick={() => setAsking(null)}>
                      {t('settings.backup.keep')}
                    </button>
                  </div>
                ) : null}
                {report && report !== 'checking' ? (
                  report.ok ? (
                    <span className="backup-ok"> {t('settings.backup.verified')}</span>
                  ) : (
                    <ul className="backup-problems" role="alert">
                      {report.problems.map((p) => (
                        <li key={p}>{p}</li>
                      ))}
                    </ul>
                  )
                ) : null}
              </li>
            );
          })}
        </ul>
      )}

      {schedule ? (
        <fieldset className="backup-schedule">
          <legend>{t('settings.backup.schedule')}</legend>
          <label>
            <input
              type="checkbox"
              checked={schedule.enabled}
              onChange={(e) => void changeSchedule({ enabled: e.target.checked })}
            />{' '}
            {t('settings.backup.onItsOwn')}
          </label>
          <label>
            {t('settings.backup.every')}{' '}
            <select
              value={schedule.everyHours}
              disabled={!schedule.enabled}
              onChange={(e) => void changeSchedule({ everyHours: Number(e.target.value) })}
            >
              {[6, 12, 24, 168].map((h) => (
                <option key={h} value={h}>
                  {h === 24
                    ? t('settings.backup.day')
                    : h === 168
                      ? t('settings.backup.week')
                      : t('settings.backup.hours', { count: h })}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('settings.backup.keepLast')}{' '}
            <input
              type="number"
              min={1}
              max={365}
              value={schedule.keep}
              disabled={!schedule.enabled}
              onChange={(e) => {
                const keep = Number(e.target.value);
                if (Number.isInteger(keep) && keep >= 1 && keep <= 365)
                  void changeSchedule({ keep });
              }}
            />{' '}
            {t('settings.backup.scheduled')}
          </label>
        </fieldset>
      ) : null}
      <p className="backup-restore-hint">
        <Trans i18nKey="settings.backup.elsewhere" components={{ cmd: <code /> }} />
      </p>
    </section>
  );
}
