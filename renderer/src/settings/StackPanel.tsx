// The bundled stack: each service's state, health and probe latency with its buttons, the
// whole stack's Start/Stop, the log of a chosen service, and Docker's absence said plainly.
import { useState } from 'react';
import type { StackService } from '../../../common/stack.js';
import { useClient } from '../client/context.js';
import { ErrorLine } from './ErrorLine.js';
import type { ErrorWords } from '../i18n/error-words.js';
import { useTranslation } from '../i18n/index.js';
import { stackPanelModel, type Busy, type ServiceRow } from './stack-model.js';
import { StackLogs } from './StackLogs.js';
import { useStack } from './use-stack.js';

function Words(props: { words: ErrorWords; role?: 'alert' | 'status' }) {
  return (
    <div className="stack-state" role={props.role ?? 'alert'}>
      <p className="stack-state-sentence">{props.words.sentence}</p>
      {props.words.detail ? <p className="stack-state-detail">{props.words.detail}</p> : null}
      {props.words.hint ? <p className="stack-state-hint">{props.words.hint}</p> : null}
    </div>
  );
}

function BusyLine(props: { busy: Busy }) {
  const { t } = useTranslation();
  const { busy } = props;
  return (
    <div className="stack-busy" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>
        {busy.message
          ? t('settings.stack.busy', { label: busy.label, message: busy.message })
          : t('settings.stack.busyDots', { label: busy.label })}
      </span>
      <progress
        aria-label={busy.label}
        {...(busy.fraction === null ? {} : { value: busy.fraction, max: 1 })}
      />
    </div>
  );
}

function Row(props: {
  row: ServiceRow;
  onStart(): void;
  onStop(): void;
  onRestart(): void;
  onLog(): void;
  logOpen: boolean;
}) {
  const { t } = useTranslation();
  const { row } = props;
  return (
    <tr>
      <th scope="row">{row.service}</th>
      <td>{row.state}</td>
      <td>
        <span className={`stack-health stack-${row.tone}`} title={row.problem ?? undefined}>
          {row.health}
        </span>
        {row.problem && row.tone !== 'healthy' ? (
          <span className="stack-problem">{row.problem}</span>
        ) : null}
      </td>
      <td className="stack-latency">{row.latency}</td>
      <td className="stack-buttons">
        <button type="button" disabled={!row.canStart} onClick={props.onStart}>
          {t('settings.stack.start')}
        </button>
        <button type="button" disabled={!row.canStop} onClick={props.onStop}>
          {t('settings.stack.stop')}
        </button>
        <button type="button" disabled={!row.canRestart} onClick={props.onRestart}>
          {t('settings.stack.restart')}
        </button>
        <button
          type="button"
          disabled={!row.canLog}
          aria-pressed={props.logOpen}
          aria-label={t('settings.stack.logOf', { service: row.service })}
          onClick={props.onLog}
        >
          {t('settings.stack.log')}
        </button>
      </td>
    </tr>
  );
}

export function StackPanel() {
  const { t } = useTranslation();
  const client = useClient();
  const stack = useStack(client);
  const [logOf, setLogOf] = useState<StackService | null>(null);
  const model = stackPanelModel(stack.inputs);

  if (model.kind === 'loading') {
    return (
      <div className="state-loading stack-loading" role="status">
        <span className="spinner" aria-hidden="true" /> {t('settings.stack.asking')}
      </div>
    );
  }
  if (model.kind === 'no-docker' || model.kind === 'error') {
    return (
      <div className="stack-panel">
        <Words words={model.words} />
        {model.busy ? <BusyLine busy={model.busy} /> : null}
        <div className="stack-actions">
          <button type="button" onClick={stack.refresh}>
            {t('settings.stack.checkAgain')}
          </button>
        </div>
      </div>
    );
  }

  const { run } = stack;
  const service = (label: string, s: StackService, m: 'stack.start' | 'stack.stop') =>
    run(label, () => client.call(m, { service: s }));
  return (
    <div className="stack-panel">
      {model.notice ? (
        <Words words={{ ...model.notice, detail: null }} role="status" />
      ) : (
        <p className="stack-overall">
          <strong>{model.overall ?? t('settings.stack.checking')}</strong>
          {model.summary ? ` — ${model.summary}` : ''}
        </p>
      )}
      {stack.failure ? <ErrorLine error={stack.failure} /> : null}
      {model.busy ? <BusyLine busy={model.busy} /> : null}
      <div className="stack-actions">
        <button
          type="button"
          disabled={!model.canUp}
          onClick={() => run(t('settings.stack.startingStack'), () => client.call('stack.up', {}))}
        >
          {t('settings.stack.startStack')}
        </button>
        <button
          type="button"
          disabled={!model.canStopAll}
          onClick={() =>
            run(t('settings.stack.stoppingStack'), () => client.call('stack.stop', {}))
          }
        >
          {t('settings.stack.stopStack')}
        </button>
      </div>
      <table className="stack-services">
        <thead>
          <tr>
            <th scope="col">{t('settings.stack.service')}</th>
            <th scope="col">{t('settings.stack.state')}</th>
            <th scope="col">{t('settings.stack.health')}</th>
            <th scope="col">{t('settings.stack.latency')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('settings.stack.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {model.rows.map((row) => (
            <Row
              key={row.service}
              row={row}
              logOpen={logOf === row.service}
              onStart={() =>
                service(
                  t('settings.stack.starting', { service: row.service }),
                  row.service,
                  'stack.start',
                )
              }
              onStop={() =>
                service(
                  t('settings.stack.stopping', { service: row.service }),
                  row.service,
                  'stack.stop',
                )
              }
              onRestart={() =>
                run(t('settings.stack.restarting', { service: row.service }), () =>
                  client.call('stack.restart', { service: row.service }),
                )
              }
              onLog={() => setLogOf((s) => (s === row.service ? null : row.service))}
            />
          ))}
        </tbody>
      </table>
      {logOf ? <StackLogs service={logOf} onClose={() => setLogOf(null)} /> : null}
    </div>
  );
}
