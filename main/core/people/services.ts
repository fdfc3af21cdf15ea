// One MaildockService per person, over their own scoped store and sealed secrets, made on
// first use by any request or job of theirs. The core does not know there are many people:
// each service sees one person's rows only, because its store can see no other (row-level
// security, migration 0003).
//
// A service that nothing has used for `idleMs` and that nothing holds is closed: an instance
// meets many more people than are at work at once, and each service keeps timers (its
// outbox's, a query a minute) and memory. Requests and jobs run in `use`; what lasts (an
// account's lease, an events socket) takes a `hold` and releases it. The next use opens the
// service again.
import { join } from 'node:path';
import { SealedSecretStore, type SealingKey } from '../secrets/sealed-store.js';
import { MaildockService, type ServiceOptions } from '../service.js';
import type { Owner, ServerDatabase } from '../store/index.js';
import type { WatchOptions } from '../sync/watch.js';

export interface PersonServicesOptions {
  /** The server's data folder: each person's attachment cache lives under people/<tenant>/<user>. */
  dataDir: string;
  /** ENCRYPTION_KEY's keys, the current one first. */
  keys: readonly SealingKey[];
  /** What every person's service is opened with (the server's: no file attachments …). */
  service?: Partial<Omit<ServiceOptions, 'dataDir' | 'database' | 'secrets' | 'leased'>>;
  /**
   * Accounts are watched where their lease is held: each service is made ready to watch
   * (with these options) but watches nothing until a lease says so, and announces changes.
   */
  leases?: {
    watch: WatchOptions;
    announce(owner: Owner): NonNullable<ServiceOptions['leased']>;
  };
  /** How long a service nobody uses or holds stays open (default 15 minutes). */
  idleMs?: number;
}

/** A person's service kept open until release() (each hold is released once). */
export interface ServiceHold {
  service: MaildockService;
  release(): void;
}

interface Entry {
  owner: Owner;
  service: Promise<MaildockService>;
  lastUsed: number;
  /** Calls running in it and holds not yet released. */
  busy: number;
}

const DEFAULT_IDLE_MS = 15 * 60_000;

export const ownerKey = (owner: Owner) => `${owner.tenantId}:${owner.userId}`;

export class PersonServices {
  private readonly entries = new Map<string, Entry>();
  private readonly closedListeners: ((owner: Owner, service: MaildockService) => void)[] = [];
  private readonly idleMs: number;
  private sweeper: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly db: ServerDatabase,
    private readonly opts: PersonServicesOptions,
  ) {
    this.idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** The person's service, opened if need be. For a moment's use: calls go through use(). */
  get(owner: Owner): Promise<MaildockService> {
    return this.entry(owner).service;
  }

  /** Runs fn with the person's service, which is not closed while fn runs. */
  async use<T>(owner: Owner, fn: (service: MaildockService) => Promise<T>): Promise<T> {
    const entry = this.entry(owner);
    entry.busy++;
    try {
      return await fn(await entry.service);
    } finally {
      this.done(entry);
    }
  }

  /** The person's service, kept open until release(). */
  async hold(owner: Owner): Promise<ServiceHold> {
    const entry = this.entry(owner);
    entry.busy++;
    let service: MaildockService;
    try {
      service = await entry.service;
    } catch (err) {
      this.done(entry);
      throw err;
    }
    let released = false;
    return {
      service,
      release: () => {
        if (released) return;
        released = true;
        this.done(entry);
      },
    };
  }

  /** Told of each service closed for being idle, once it is closed. */
  onClosed(fn: (owner: Owner, service: MaildockService) => void): void {
    this.closedListeners.push(fn);
  }

  /** Closes the services idle since before `now - idleMs`; how many. Runs on a timer too. */
  async sweep(now = Date.now()): Promise<number> {
    const idle = [...this.entries.entries()].filter(
      ([, e]) => e.busy === 0 && now - e.lastUsed >= this.idleMs,
    );
    for (const [key] of idle) this.entries.delete(key);
    await Promise.all(
      idle.map(async ([, entry]) => {
        const service = await entry.service.catch(() => null);
        if (!service) return;
        await service.close().catch(() => undefined);
        for (const fn of this.closedListeners) fn(entry.owner, service);
      }),
    );
    return idle.length;
  }

  private entry(owner: Owner): Entry {
    if (this.closed) {
      return {
        owner,
        service: Promise.reject(new Error('the server is stopping')),
        lastUsed: 0,
        busy: 0,
      };
    }
    const key = ownerKey(owner);
    let entry = this.entries.get(key);
    if (!entry) {
      const service = Promise.resolve().then(() => this.open(owner));
      const made: Entry = { owner, service, lastUsed: Date.now(), busy: 0 };
      entry = made;
      this.entries.set(key, made);
      service.catch(() => {
        if (this.entries.get(key) === made) this.entries.delete(key);
      });
      this.startSweeping();
    }
    entry.lastUsed = Date.now();
    return entry;
  }

  private done(entry: Entry): void {
    entry.busy--;
    entry.lastUsed = Date.now();
  }

  private startSweeping(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(
      () => void this.sweep().catch(() => undefined),
      Math.max(1_000, Math.floor(this.idleMs / 4)),
    );
    this.sweeper.unref();
  }

  private open(owner: Owner): MaildockService {
    const dataDir = join(this.opts.dataDir, 'people', String(owner.tenantId), String(owner.userId));
    const secrets = new SealedSecretStore(this.db.sealedFor(owner), owner, this.opts.keys);
    const leases = this.opts.leases;
    const service = MaildockService.forStore(this.db.storeFor(owner), secrets, {
      ...this.opts.service,
      dataDir,
      ...(leases ? { leased: leases.announce(owner) } : {}),
    });
    if (leases) service.watchLeased(leases.watch);
    return service;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map(async (e) => (await e.service.catch(() => null))?.close()));
  }
}
