// @vitest-environment jsdom
// The stack panel's model: what the core said (status, health, a failure, an operation under
// way) → what the panel shows and which buttons may be pressed. Docker's absence and a
// stack never created are designed states with ERROR_TEXT's sentences and a hint. Then the
// panel itself over a fake client: an operation keeps every button disabled and shows the
// pushed progress, and a service's log is read with tail 50.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../common/errors.js';
import {
  activeServices,
  type ServiceHealth,
  type StackHealth,
  type StackServiceStatus,
  type StackStatus,
} from '../../common/stack.js';
import type { MaildockClient } from '../../renderer/src/client/client.js';
import { ClientProvider } from '../../renderer/src/client/context.js';
import { latencyText, stackPanelModel } from '../../renderer/src/settings/stack-model.js';
import { StackPanel } from '../../renderer/src/settings/StackPanel.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const status = (state: (s: string) => StackServiceStatus['state']): StackStatus => ({
  project: 'maildock',
  network: 'bridge',
  services: activeServices([]).map((service) => ({
    service,
    state: state(service),
    health: 'none',
    ports: [],
    startedAt: null,
    uptimeSeconds: null,
    restartCount: 0,
    image: null,
    container: null,
  })),
});

const health = (
  overall: StackHealth['overall'],
  per: (s: string) => Partial<ServiceHealth>,
): StackHealth => ({
  overall,
  at: '2025-03-10T12:00:00Z',
  roundMs: 40,
  summary: overall === 'healthy' ? 'All services healthy' : 'dovecot is stopped',
  services: activeServices([]).map((service) => ({
    service,
    state: 'healthy',
    container: 'running',
    dockerHealth: 'healthy',
    latencyMs: 3.25,
    probes: [],
    problem: null,
    ...per(service),
  })),
});

const idle = { busy: null, error: null };

describe('the stack panel model', () => {
  it('says Docker is missing, stopped or not ours, with the core’s hint', () => {
    for (const code of [
      'DOCKER_NOT_INSTALLED',
      'DOCKER_NOT_RUNNING',
      'DOCKER_PERMISSION',
    ] as const) {
      const m = stackPanelModel({
        status: null,
        health: null,
        busy: null,
        error: {
          code,
          message: 'Docker is not running: nothing answers on /nowhere.sock.',
          fields: { hint: 'Start it: sudo systemctl start docker.' },
        },
      });
      expect(m).toEqual({
        kind: 'no-docker',
        busy: null,
        words: {
          sentence: ERROR_TEXT[code],
          detail: 'Docker is not running: nothing answers on /nowhere.sock.',
          hint: 'Start it: sudo systemctl start docker.',
        },
      });
    }
    // Any other failure is still a sentence, never a raw error; what went wrong inside is
    // for the copied details only.
    expect(
      stackPanelModel({
        status: null,
        health: null,
        busy: null,
        error: { code: 'INTERNAL', message: 'boom' },
      }),
    ).toMatchObject({ kind: 'error', words: { sentence: ERROR_TEXT.INTERNAL, detail: null } });
    expect(stackPanelModel({ status: null, health: null, ...idle })).toEqual({ kind: 'loading' });
  });

  it('offers only Start stack for a stack never created', () => {
    const m = stackPanelModel({ status: status(() => 'missing'), health: null, ...idle });
    if (m.kind !== 'stack') throw new Error(m.kind);
    expect(m.notice).toEqual({
      sentence: ERROR_TEXT.STACK_NOT_RUNNING,
      hint: 'It has not been created yet. Start it with the button below or `maildock stack up`.',
    });
    expect([m.canUp, m.canStopAll]).toEqual([true, false]);
    for (const r of m.rows) {
      expect(r.state).toBe('not created');
      expect([r.canStart, r.canStop, r.canRestart, r.canLog]).toEqual([false, false, false, false]);
    }
  });

  it('shows each running service’s health and latency, with Stop and Restart', () => {
    const m = stackPanelModel({
      status: status((s) => (s === 'dovecot' ? 'exited' : 'running')),
      health: health('degraded', (s) =>
        s === 'dovecot'
          ? {
              state: 'stopped',
              container: 'exited',
              latencyMs: null,
              problem: 'dovecot is stopped',
            }
          : s === 'postgres'
            ? { latencyMs: 12.6 }
            : {},
      ),
      ...idle,
    });
    if (m.kind !== 'stack') throw new Error(m.kind);
    expect(m.notice).toBeNull();
    expect(m.overall).toBe('Degraded');
    expect(m.summary).toBe('dovecot is stopped');
    expect([m.canUp, m.canStopAll]).toEqual([true, true]);
    const row = (s: string) => m.rows.find((r) => r.service === s)!;
    expect(row('postgres')).toMatchObject({
      state: 'running',
      health: 'healthy',
      tone: 'healthy',
      latency: '13 ms',
      canStart: false,
      canStop: true,
      canRestart: true,
      canLog: true,
    });
    expect(row('redis').latency).toBe('3.3 ms');
    expect(row('dovecot')).toMatchObject({
      state: 'stopped',
      health: 'stopped',
      latency: '—',
      problem: 'dovecot is stopped',
      canStart: true,
      canStop: false,
      canRestart: false,
      canLog: true,
    });
  });

  it('says a created stack with nothing running is not running', () => {
    const m = stackPanelModel({
      status: status(() => 'exited'),
      health: health('stopped', () => ({ state: 'stopped', container: 'exited', latencyMs: null })),
      ...idle,
    });
    if (m.kind !== 'stack') throw new Error(m.kind);
    expect(m.notice).toEqual({
      sentence: ERROR_TEXT.STACK_NOT_RUNNING,
      hint: 'Start it with the button below or `maildock stack up`.',
    });
    expect(m.canStopAll).toBe(false);
    expect(m.rows.every((r) => r.canStart && !r.canStop)).toBe(true);
  });

  it('keeps every button disabled while an operation runs, and shows its progress', () => {
    const m = stackPanelModel({
      status: status(() => 'running'),
      health: health('healthy', () => ({})),
      error: null,
      busy: {
        label: 'Starting the stack',
        progress: {
          step: 'build',
          service: 'postfix',
          message: 'Building postfix',
          current: 3,
          total: 4,
        },
      },
    });
    if (m.kind !== 'stack') throw new Error(m.kind);
    expect(m.busy).toEqual({
      label: 'Starting the stack',
      message: 'Building postfix',
      fraction: 0.75,
    });
    expect([m.canUp, m.canStopAll]).toEqual([false, false]);
    for (const r of m.rows)
      expect([r.canStart, r.canStop, r.canRestart]).toEqual([false, false, false]);
    // The log can still be read meanwhile.
    expect(m.rows.every((r) => r.canLog)).toBe(true);
    expect(latencyText(null)).toBe('—');
  });
});

let container: HTMLElement | null = null;
afterEach(() => container?.remove());

describe('the stack panel', () => {
  it('runs one operation at a time, with its progress, and reads a service’s log', async () => {
    const calls: [string, unknown][] = [];
    const listeners = new Map<string, (p: unknown) => void>();
    let finishStop: (v: unknown) => void = () => undefined;
    const running = status(() => 'running');
    const client = {
      transport: 'http',
      call: async (method: string, input: unknown) => {
        calls.push([method, input]);
        if (method === 'stack.status') return running;
        if (method === 'stack.health')
          return { current: health('healthy', () => ({})), history: [] };
        if (method === 'stack.stop') return new Promise((r) => (finishStop = r));
        if (method === 'stack.logs')
          return [
            { time: '2025-03-10T12:00:00.000000000Z', stream: 'stdout', text: 'imap-login: ready' },
          ];
        throw new Error(method);
      },
      on: (event: string, fn: (p: unknown) => void) => {
        listeners.set(event, fn);
        return () => listeners.delete(event);
      },
    } as unknown as MaildockClient;
    container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    await act(async () =>
      root.render(
        <ClientProvider client={client}>
          <StackPanel />
        </ClientProvider>,
      ),
    );
    const el = container;
    const buttons = () => [...el.querySelectorAll('button')];
    const row = (s: string) =>
      [...el.querySelectorAll('tbody tr')].find((r) => r.querySelector('th')?.textContent === s)!;
    const button = (r: Element, name: string) =>
      [...r.querySelectorAll('button')].find((b) => b.textContent === name)!;
    expect(calls.map(([m]) => m)).toEqual(['stack.status', 'stack.health']);
    expect(el.querySelector('.stack-overall')?.textContent).toBe('Healthy — All services healthy');
    expect(row('dovecot').textContent).toContain('3.3 ms');

    await act(async () => button(row('dovecot'), 'Stop').click());
    expect(calls.at(-1)).toEqual(['stack.stop', { service: 'dovecot' }]);
    act(() =>
      listeners.get('stack.progress')!({
        step: 'stop',
        service: 'dovecot',
        message: 'Stopping dovecot',
      }),
    );
    expect(el.querySelector('.stack-busy')?.textContent).toBe('Stopping dovecot: Stopping dovecot');
    const enabled = buttons()
      .filter((b) => !b.disabled)
      .map((b) => b.textContent);
    expect(enabled).toEqual(['Log', 'Log', 'Log', 'Log']);

    running.services.find((s) => s.service === 'dovecot')!.state = 'exited';
    await act(async () => finishStop(running));
    expect(el.querySelector('.stack-busy')).toBeNull();
    expect(button(row('dovecot'), 'Start').disabled).toBe(false);
    expect(button(row('dovecot'), 'Stop').disabled).toBe(true);

    await act(async () => button(row('dovecot'), 'Log').click());
    expect(calls.at(-1)).toEqual(['stack.logs', { service: 'dovecot', tail: 50 }]);
    expect(el.querySelector('.stack-log-lines')?.textContent).toContain('imap-login: ready');
  });
});
