// What the tray shows for a stack health round: the icon, its tooltip and the menu, as
// data. main/app/tray.ts turns it into Electron's Tray and Menu; this part is tested alone.
import type { OverallHealth, ServiceHealth, StackHealth } from '../../common/stack.js';

export type TrayPlatform = 'linux' | 'darwin' | 'win32';

export type TrayCommand =
  'open' | 'sync' | 'backup' | 'stack.start' | 'stack.stop' | 'stack.restart' | 'quit';

export type TrayMenuItem =
  | { type: 'separator' }
  | { type: 'info'; label: string }
  | { type: 'command'; label: string; command: TrayCommand; enabled: boolean };

export interface TrayInput {
  /** The last health round; null before the first, or when no stack is configured. */
  health: StackHealth | null;
  stackConfigured: boolean;
  unread: number;
  syncing: boolean;
  /** Whether backups exist in this build (the tray offers "Back up now" only then). */
  backupAvailable: boolean;
  /** A stack command is running (up, stop, restart): the stack's items wait for it. */
  stackBusy: boolean;
}

export interface TrayModel {
  state: OverallHealth;
  unread: boolean;
  /** The image's name in resources/tray/<platform>/, without @2x and extension. */
  icon: string;
  tooltip: string;
  items: TrayMenuItem[];
}

const STATE_WORDS: Record<ServiceHealth['state'], string> = {
  healthy: 'healthy',
  starting: 'starting',
  unhealthy: 'unhealthy',
  stopped: 'stopped',
};

function serviceLine(s: ServiceHealth): string {
  const latency = s.latencyMs === null ? '' : ` · ${Math.round(s.latencyMs)} ms`;
  // A healthy service can still name a problem: a certificate about to expire.
  const detail = !s.problem ? '' : ` — ${s.problem}`;
  return `${s.service}: ${STATE_WORDS[s.state]}${latency}${detail}`;
}

export function iconName(state: OverallHealth, unread: boolean, platform: TrayPlatform): string {
  // macOS draws template images in the menu bar's own colour; the shape tells the state.
  return `${state}${unread ? '-unread' : ''}${platform === 'darwin' ? 'Template' : ''}`;
}

export function trayModel(input: TrayInput, platform: TrayPlatform): TrayModel {
  const state: OverallHealth = input.health?.overall ?? 'stopped';
  const unread = input.unread > 0;
  const mail =
    input.unread === 0
      ? 'No unread mail'
      : `${input.unread.toLocaleString('en')} unread message${input.unread === 1 ? '' : 's'}`;
  const stackLine = !input.stackConfigured
    ? 'No mail stack configured'
    : input.health
      ? `Mail stack: ${input.health.summary}`
      : 'Mail stack: checking…';
  const items: TrayMenuItem[] = [{ type: 'info', label: stackLine }];
  if (input.stackConfigured && input.health) {
    for (const s of input.health.services) items.push({ type: 'info', label: serviceLine(s) });
  }
  const running = state === 'healthy' || state === 'degraded';
  const stackReady = input.stackConfigured && !input.stackBusy;
  items.push(
    { type: 'separator' },
    {
      type: 'command',
      label: 'Start stack',
      command: 'stack.start',
      enabled: stackReady && !running,
    },
    { type: 'command', label: 'Stop stack', command: 'stack.stop', enabled: stackReady && running },
    {
      type: 'command',
      label: 'Restart stack',
      command: 'stack.restart',
      enabled: stackReady && state !== 'stopped',
    },
    { type: 'separator' },
    { type: 'command', label: 'Open Maildock', command: 'open', enabled: true },
    {
      type: 'command',
      label: input.syncing ? 'Syncing…' : 'Sync now',
      command: 'sync',
      enabled: !input.syncing,
    },
  );
  if (input.backupAvailable) {
    items.push({ type: 'command', label: 'Back up now', command: 'backup', enabled: true });
  }
  items.push(
    { type: 'separator' },
    { type: 'command', label: 'Quit', command: 'quit', enabled: true },
  );
  return {
    state,
    unread,
    icon: iconName(state, unread, platform),
    tooltip: `Maildock — ${mail}. ${stackLine}`,
    items,
  };
}
