// One MaildockService per person, over their own scoped store and sealed secrets, made on
// first use by any request or job of theirs and kept while the server runs. The core does not
// know there are many people: each service sees one person's rows only, because its store
// can see no other (row-level security, migration 0003).
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
}

export const ownerKey = (owner: Owner) => `${owner.tenantId}:${owner.userId}`;

export class PersonServices {
  private readonly services = new Map<string, Promise<MaildockService>>();
  private closed = false;

  constructor(
    readonly db: ServerDatabase,
    private readonly opts: PersonServicesOptions,
  ) {}

  get(owner: Owner): Promise<MaildockService> {
    if (this.closed) return Promise.reject(new Error('the server is stopping'));
    const key = ownerKey(owner);
    let service = this.services.get(key);
    if (!service) {
      service = Promise.resolve().then(() => this.open(owner));
      this.services.set(key, service);
      service.catch(() => this.services.delete(key));
    }
    return service;
  }

  /** The services made so far, for events and shutdown. */
  async running(): Promise<{ owner: Owner; service: MaildockService }[]> {
    const entries = [...this.services.entries()];
    const out: { owner: Owner; service: MaildockService }[] = [];
    for (const [key, service] of entries) {
      const [tenantId, userId] = key.split(':').map(Number) as [number, number];
      const value = await service.catch(() => null);
      if (value) out.push({ owner: { tenantId, userId }, service: value });
    }
    return out;
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
    const all = [...this.services.values()];
    this.services.clear();
    await Promise.all(all.map(async (s) => (await s.catch(() => null))?.close()));
  }
}
