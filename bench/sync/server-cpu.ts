// CPU time of the bench's own Dovecot, read from /proc: tells whether a sync was bound by the
// two cores the client and the server share. Other Dovecots may run on the machine, so only
// the processes of this one's process group count (its master runs in a group of its own),
// plus what its master has collected from children that have exited (login and imap
// processes end with each connection).
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function stat(pid: string): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name in parentheses may hold spaces: the fields start after its closing one.
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function masterOf(confPath: string): string {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (/dovecot$/.test(args[0] ?? '') && args.includes(confPath)) return pid;
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no Dovecot master runs ${confPath}`);
}

/** Reads the CPU time a Dovecot has used so far, in ms. */
export class ServerCpu {
  private readonly master: string;

  constructor(confPath: string) {
    this.master = masterOf(confPath);
  }

  ms(): number {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      // After ")": state, ppid, pgrp, …, utime (12th), stime, cutime, cstime.
      const f = stat(pid);
      if (!f || f[2] !== this.master) continue;
      ticks += Number(f[11]) + Number(f[12]);
      if (pid === this.master) ticks += Number(f[13]) + Number(f[14]);
    }
    return ticks * TICK_MS;
  }

  /** CPU ms used while `work` ran, once the server has settled (a client's imap ends). */
  async during<T>(work: () => Promise<T>): Promise<{ value: T; serverCpuMs: number }> {
    const before = this.ms();
    const value = await work();
    await new Promise((r) => setTimeout(r, 300));
    return { value, serverCpuMs: this.ms() - before };
  }
}
