// A service's log lines as Docker keeps them, for `maildock stack logs`, the stack panel and
// the error of a service that will not start.
import type { LogLine, StackService } from '../../../common/stack.js';
import { demux } from './exec.js';
import type { StackProject } from './project.js';

export interface LogOptions {
  tail?: number;
  since?: string;
}

export async function serviceLogs(
  project: StackProject,
  service: StackService,
  options: LogOptions = {},
): Promise<LogLine[]> {
  const docker = await project.engine();
  const [[, c] = []] = await project.existing(service);
  if (!c) return [];
  const since = options.since ? Date.parse(options.since) / 1000 : 0;
  const raw = (await docker.getContainer(c.Id).logs({
    stdout: true,
    stderr: true,
    timestamps: true,
    follow: false,
    tail: options.tail ?? 100,
    ...(since ? { since: Math.floor(since) } : {}),
  })) as unknown as Buffer;
  const lines = demux(raw, c.Config.Tty);
  if (!options.since) return lines;
  const after = timeKey(options.since);
  return lines.filter((l) => timeKey(l.time) > after);
}

/** Docker's RFC 3339 times trim trailing zeros of the fraction: padded, they sort as text. */
export function timeKey(time: string): string {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(time);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}` : time;
}
