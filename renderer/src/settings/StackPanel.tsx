// The bundled stack: each service's state, health and probe latency with its buttons, the
// whole stack's Start/Stop, the log of a chosen service, and Docker's absence said plainly.
import { useState } from 'react';
import type { StackService } from '../../../common/stack.js';
import { useClient } from '../client/context.js';
import { ErrorLine } from './ErrorLine.js';
import type { ErrorWords } from '../../../common/error-words.js';
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
  const { busy } = props;
  return (
    <div className="stack-busy" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>
        {busy.label}
        {busy.message ? `: ${busy.message}` : '…'}
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
          Start
        </button>
        <button type="button" disabled={!row.canStop} onClick={props.onStop}>
          Stop
        </button>
        <button type="button" disabled={!row.canRestart} onClick={props.onRestart}>
          Restart
        </button>
        <button
          type="button"
          disabled={!row.canLog}
          aria-pressed={props.logOpen}
          aria-label={`Log of ${row.service}`}
          onClick={props.onLog}
        >
          Log
        </button>
      </td>
    </tr>
  );
}

export function StackPanel() {
  const client = useClient();
  const stack = useStack(client);
  const [logOf, setLogOf] = useState<StackService | null>(null);
  const model = stackPanelModel(stack.inputs);

  if (model.kind === 'loading') {
    return (
      <div className="state-loading stack-loading" role="status">
        <span className="spinner" aria-hidden="true" /> Asking Docker about the stack…
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
            Check again
          </button>
        </div>
      </div>
    );
  }

  const { run } = stack;
  const service = (label: string, s: StackService, m: 'stack.start' | 'stack.stop') =>
    run(`${label} ${s}`, () => client.call(m, { service: s }));
  return (
    <div className="stack-panel">
      {model.notice ? (
        <Words words={{ ...model.notice, detail: null }} role="status" />
      ) : (
        <p className="stack-overall">
          <strong>{model.overall ?? 'Checking…'}</strong>
          {model.summary ? ` — ${model.summary}` : ''}
        </p>
      )}
      {stack.failure ? <ErrorLine error={stack.failure} /> : null}
      {model.busy ? <BusyLine busy={model.busy} /> : null}
      <div className="stack-actions">
        <button
          type="button"
          disabled={!model.canUp}
          onClick={() => run('Starting the stack', () => client.call('stack.up', {}))}
        >
          Start stack
        </button>
        <button
          type="button"
          disabled={!model.canStopAll}
          onClick={() => run('Stopping the stack', () => client.call('stack.stop', {}))}
        >
          Stop stack
        </button>
      </div>
      <table className="stack-services">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">State</th>
            <th scope="col">Health</th>
            <th scope="col">Latency</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {model.rows.map((row) => (
            <Row
              key={row.service}
              row={row}
              logOpen={logOf === row.service}
              onStart={() => service('Starting', row.service, 'stack.start')}
              onStop={() => service('Stopping', row.service, 'stack.stop')}
              onRestart={() =>
                run(`Restarting ${row.service}`, () =>
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
