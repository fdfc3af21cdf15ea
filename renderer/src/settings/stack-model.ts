// What the stack panel shows, from what the core said: Docker missing or stopped, a stack
// never created, or the services with their state, health and latency, and which buttons
// may be pressed. Pure, so each state can be checked without a browser.
import type { ErrorCode, ErrorData } from '../../../common/errors.js';
import type {
  StackHealth,
  StackProgress,
  StackService,
  StackStatus,
  StackServiceStatus,
} from '../../../common/stack.js';
import { describeError, type ErrorWords } from '../i18n/error-words.js';
import { i18n, locale } from '../i18n/index.js';

export interface StackInputs {
  status: StackStatus | null;
  health: StackHealth | null;
  /** The last failure to read the status (Docker not there, say). */
  error: ErrorData | null;
  /** An operation under way: its name and the last progress the core pushed. */
  busy: { label: string; progress: StackProgress | null } | null;
}

export interface ServiceRow {
  service: StackService;
  state: string;
  health: string;
  /** The health as a class: healthy, starting, unhealthy, stopped. */
  tone: 'healthy' | 'starting' | 'unhealthy' | 'stopped';
  latency: string;
  problem: string | null;
  canStart: boolean;
  canStop: boolean;
  canRestart: boolean;
  canLog: boolean;
}

export interface Busy {
  label: string;
  message: string | null;
  /** 0..1, when the core counts its steps. */
  fraction: number | null;
}

export type StackPanelModel =
  | { kind: 'loading' }
  /** Docker cannot be used: nothing to start until it can. */
  | { kind: 'no-docker'; words: ErrorWords; busy: Busy | null }
  /** Some other failure to read the stack. */
  | { kind: 'error'; words: ErrorWords; busy: Busy | null }
  | {
      kind: 'stack';
      /** Not created, or created and nothing running: said as a sentence with a hint. */
      notice: { sentence: string; hint: string } | null;
      overall: string | null;
      summary: string | null;
      rows: ServiceRow[];
      canUp: boolean;
      canStopAll: boolean;
      busy: Busy | null;
    };

const DOCKER_CODES = new Set<ErrorCode>([
  'DOCKER_NOT_INSTALLED',
  'DOCKER_NOT_RUNNING',
  'DOCKER_PERMISSION',
]);

function busyOf(busy: StackInputs['busy']): Busy | null {
  if (!busy) return null;
  const p = busy.progress;
  const fraction =
    p && p.total !== undefined && p.total > 0 && p.current !== undefined
      ? Math.min(1, Math.max(0, p.current / p.total))
      : null;
  return { label: busy.label, message: p?.message ?? null, fraction };
}

const decimals = (v: number, digits: number) =>
  v.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const latencyText = (ms: number | null) =>
  ms === null ? '—' : ms < 10 ? `${decimals(ms, 1)} ms` : `${decimals(Math.round(ms), 0)} ms`;

const ACTIVE = new Set<StackServiceStatus['state']>(['running', 'restarting', 'paused']);

export function stackPanelModel(inputs: StackInputs): StackPanelModel {
  const busy = busyOf(inputs.busy);
  const idle = busy === null;
  if (inputs.error) {
    const words = describeError(inputs.error);
    return DOCKER_CODES.has(inputs.error.code)
      ? { kind: 'no-docker', words, busy }
      : { kind: 'error', words, busy };
  }
  if (!inputs.status) return { kind: 'loading' };
  // The services the status lists: the server profile's only when it is on.
  const rows = inputs.status.services.map(({ service }): ServiceRow => {
    const s = inputs.status!.services.find((x) => x.service === service);
    const h = inputs.health?.services.find((x) => x.service === service);
    const state = s?.state ?? 'missing';
    const exists = state !== 'missing' && state !== 'removing';
    const active = ACTIVE.has(state);
    const tone = h ? h.state : active ? 'starting' : 'stopped';
    return {
      service,
      state: i18n.t(`settings.stack.states.${state}`),
      health: i18n.t(`settings.stack.health_.${h ? h.state : active ? 'notProbed' : 'stopped'}`),
      tone,
      latency: latencyText(h?.latencyMs ?? null),
      problem: h?.problem ?? null,
      canStart: idle && exists && !active,
      canStop: idle && active,
      canRestart: idle && state === 'running',
      canLog: exists,
    };
  });
  const created = inputs.status.services.some((s) => s.state !== 'missing');
  const anyActive = inputs.status.services.some((s) => ACTIVE.has(s.state));
  const sentence = i18n.t('errors.codes.STACK_NOT_RUNNING');
  const notice = !created
    ? { sentence, hint: i18n.t('settings.stack.notCreated') }
    : !anyActive
      ? { sentence, hint: i18n.t('settings.stack.hintUp') }
      : null;
  return {
    kind: 'stack',
    notice,
    overall:
      created && inputs.health ? i18n.t(`settings.stack.overall.${inputs.health.overall}`) : null,
    summary: created && inputs.health ? inputs.health.summary : null,
    rows,
    canUp: idle,
    canStopAll: idle && anyActive,
    busy,
  };
}
