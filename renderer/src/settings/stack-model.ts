// What the stack panel shows, from what the core said: Docker missing or stopped, a stack
// never created, or the services with their state, health and latency, and which buttons
// may be pressed. Pure, so each state can be checked without a browser.
import { ERROR_TEXT, type ErrorCode, type ErrorData } from '../../../common/errors.js';
import type {
  StackHealth,
  StackProgress,
  StackService,
  StackStatus,
  StackServiceStatus,
} from '../../../common/stack.js';
import { describeError, type ErrorWords } from '../../../common/error-words.js';

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

const HINT_UP = 'Start it with the button below or `maildock stack up`.';

const STATE_WORDS: Record<StackServiceStatus['state'], string> = {
  missing: 'not created',
  created: 'created',
  running: 'running',
  restarting: 'restarting',
  paused: 'paused',
  exited: 'stopped',
  dead: 'dead',
  removing: 'being removed',
};

const OVERALL_WORDS: Record<StackHealth['overall'], string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  down: 'Down',
  stopped: 'Stopped',
};

function busyOf(busy: StackInputs['busy']): Busy | null {
  if (!busy) return null;
  const p = busy.progress;
  const fraction =
    p && p.total !== undefined && p.total > 0 && p.current !== undefined
      ? Math.min(1, Math.max(0, p.current / p.total))
      : null;
  return { label: busy.label, message: p?.message ?? null, fraction };
}

export const latencyText = (ms: number | null) =>
  ms === null ? '—' : ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;

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
      state: STATE_WORDS[state],
      health: h ? h.state : active ? 'not probed yet' : 'stopped',
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
  const notice = !created
    ? {
        sentence: ERROR_TEXT.STACK_NOT_RUNNING,
        hint: `It has not been created yet. ${HINT_UP}`,
      }
    : !anyActive
      ? { sentence: ERROR_TEXT.STACK_NOT_RUNNING, hint: HINT_UP }
      : null;
  return {
    kind: 'stack',
    notice,
    overall: created && inputs.health ? OVERALL_WORDS[inputs.health.overall] : null,
    summary: created && inputs.health ? inputs.health.summary : null,
    rows,
    canUp: idle,
    canStopAll: idle && anyActive,
    busy,
  };
}
