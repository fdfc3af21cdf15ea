// Backups in the settings: "Back up now" with its progress (bytes, rate, time left) and a
// Cancel, the archives made so far each with a Verify, and the schedule (off by default).
// Restoring replaces the data the app runs on, so it is done with Maildock stopped, from
// the command line; the panel says how.
import { useCallback, useEffect, useState } from 'react';
import { progressFraction, progressText, sizeText } from '../../../common/backup-words.js';
import type { ErrorData } from '../../../common/errors.js';
import type {
  BackupProgressEvent,
  BackupReport,
  BackupResult,
  BackupSchedule,
} from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { ErrorLine } from './ErrorLine.js';

const baseName = (file: string) => file.split(/[\\/]/).at(-1) ?? file;

export function BackupPanel() {
  const client = useClient();
  const [list, setList] = useState<BackupResult[] | null>(null);
  const [schedule, setSchedule] = useState<BackupSchedule | null>(null);
  const [progress, setProgress] = useState<BackupProgressEvent | null>(null);
  const [running, setRunning] = useState(false);
  const [made, setMade] = useState<BackupResult | null>(null);
  const [reports, setReports] = useState<Record<string, BackupReport | 'checking'>>({});
  const [error, setError] = useState<ErrorData | null>(null);
  const fail = (err: unknown) => setError(errorDataOf(err));

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
      .call('backup.create', {})
      .then(setMade, fail)
      .finally(() => {
        setRunning(false);
        setProgress(null);
        reload();
      });
  };
  const verify = (file: string) => {
    setReports((r) => ({ ...r, [file]: 'checking' }));
    client
      .call('backup.verify', { file: client.transport === 'http' ? baseName(file) : file })
      .then(
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
    <section className="backup-panel" aria-label="Backups">
      <p>
        A backup holds the whole local store (every message, flag, folder, draft and the outbox),
        the attachments already downloaded and the local mail stack’s settings, in one archive whose
        every file is checked.
      </p>
      <div className="backup-now">
        <button type="button" onClick={backUp} disabled={running}>
          {running ? 'Backing up…' : 'Back up now'}
        </button>
        {running ? (
          <button type="button" onClick={() => void client.call('backup.cancel', {})}>
            Cancel
          </button>
        ) : null}
      </div>
      {running && progress ? (
        <div className="backup-progress">
          <progress aria-label="Backup progress" value={progressFraction(progress)} max={1} />
          <span role="status">{progressText(progress)}</span>
        </div>
      ) : null}
      {made ? (
        <p role="status" className="backup-made">
          Backup written: {baseName(made.file)} ({sizeText(made.bytes)}, {made.files} files).
        </p>
      ) : null}
      {error ? <ErrorLine error={error} /> : null}

      <h3>Backups made</h3>
      {list === null ? null : list.length === 0 ? (
        <p className="backup-empty">No backups yet.</p>
      ) : (
        <ul className="backup-list">
          {list.map((b) => {
            const report = reports[b.file];
            return (
              <li key={b.file}>
                <span className="backup-name">{baseName(b.file)}</span>{' '}
                <span className="backup-size">{sizeText(b.bytes)}</span>{' '}
                <button
                  type="button"
                  disabled={report === 'checking'}
                  onClick={() => verify(b.file)}
                  aria-label={`Verify ${baseName(b.file)}`}
                >
                  {report === 'checking' ? 'Verifying…' : 'Verify'}
                </button>
                {report && report !== 'checking' ? (
                  report.ok ? (
                    <span className="backup-ok"> Verified: every file matches.</span>
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
          <legend>On a schedule</legend>
          <label>
            <input
              type="checkbox"
              checked={schedule.enabled}
              onChange={(e) => void changeSchedule({ enabled: e.target.checked })}
            />{' '}
            Back up on its own while Maildock runs
          </label>
          <label>
            Every{' '}
            <select
              value={schedule.everyHours}
              disabled={!schedule.enabled}
              onChange={(e) => void changeSchedule({ everyHours: Number(e.target.value) })}
            >
              {[6, 12, 24, 168].map((h) => (
                <option key={h} value={h}>
                  {h === 24 ? 'day' : h === 168 ? 'week' : `${h} hours`}
                </option>
              ))}
            </select>
          </label>
          <label>
            Keep the last{' '}
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
            scheduled backups
          </label>
        </fieldset>
      ) : null}
      <p className="backup-restore-hint">
        To restore one, quit Maildock and run <code>maildock backup restore FILE</code>: it checks
        the archive first and changes nothing if it is damaged.
      </p>
    </section>
  );
}
