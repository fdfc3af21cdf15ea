// The last 50 log lines of one service of the stack, read when picked and on Refresh.
import { useCallback, useEffect, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { LogLine, StackService } from '../../../common/stack.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { locale, useTranslation } from '../i18n/index.js';
import { ErrorLine } from './ErrorLine.js';

const TAIL = 50;

const clock = (time: string) => {
  const d = new Date(time);
  return Number.isNaN(d.getTime()) ? time : d.toLocaleTimeString(locale(), { hour12: false });
};

export function StackLogs(props: { service: StackService; onClose(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [lines, setLines] = useState<LogLine[] | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [tick, setTick] = useState(0);
  const { service } = props;
  useEffect(() => {
    let live = true;
    setError(null);
    client
      .call('stack.logs', { service, tail: TAIL })
      .then((l) => live && setLines(l))
      .catch((err: unknown) => live && setError(errorDataOf(err)));
    return () => {
      live = false;
    };
  }, [client, service, tick]);
  const refresh = useCallback(() => setTick((t) => t + 1), []);
  return (
    <section className="stack-logs" aria-label={t('settings.stack.logOf', { service })}>
      <header className="stack-logs-head">
        <h3>{t('settings.stack.logOf', { service })}</h3>
        <button type="button" onClick={refresh}>
          {t('settings.stack.refresh')}
        </button>
        <button type="button" onClick={props.onClose}>
          {t('settings.stack.hide')}
        </button>
      </header>
      {error ? <ErrorLine error={error} /> : null}
      {lines === null && !error ? (
        <p className="settings-empty">{t('settings.stack.readingLog')}</p>
      ) : null}
      {lines?.length === 0 ? (
        <p className="settings-empty">{t('settings.stack.emptyLog')}</p>
      ) : null}
      {lines && lines.length > 0 ? (
        <pre className="stack-log-lines">
          {lines.map((l, i) => (
            <div key={i} className={l.stream === 'stderr' ? 'log-stderr' : undefined}>
              <span className="log-time">{clock(l.time)}</span> {l.text}
            </div>
          ))}
        </pre>
      ) : null}
    </section>
  );
}
