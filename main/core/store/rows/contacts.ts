// An address book row as both engines return it, and how both fold a batch of messages into
// one change per distinct address before writing it.
import type { Contact } from '../../../../common/types.js';
import type { SeenAddresses } from '../types.js';

export interface ContactRow {
  address: string;
  name: string;
  seen: number;
  last_seen: number;
}

export interface SeenBatch {
  name: string;
  seen: number;
  lastSeen: number;
}

const plausible = (a: string) => a.length <= 320 && /^[^\s@]+@[^\s@]+$/.test(a);
/** LIKE's own wildcards in what the user typed match themselves. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Every address of these messages counted once per message, with the newest name it was
 * given; `clean` is what the engine must do to text before it can keep it.
 */
export function foldAddresses(
  messages: Iterable<SeenAddresses>,
  clean: (s: string) => string = (s) => s,
): Map<string, SeenBatch> {
  const batch = new Map<string, SeenBatch>();
  for (const m of messages) {
    const once = new Set<string>();
    for (const a of m.addresses) {
      const address = clean(a.address.trim().toLowerCase());
      if (!plausible(address) || once.has(address)) continue;
      once.add(address);
      const e = batch.get(address);
      const name = clean(a.name.trim().slice(0, 200));
      if (!e) batch.set(address, { name, seen: 1, lastSeen: m.date });
      else {
        e.seen++;
        if (name && (m.date >= e.lastSeen || !e.name)) e.name = name;
        e.lastSeen = Math.max(e.lastSeen, m.date);
      }
    }
  }
  return batch;
}

export function toContact(r: ContactRow): Contact {
  return {
    name: r.name,
    address: r.address,
    count: r.seen,
    lastSeen: new Date(r.last_seen).toISOString(),
  };
}
