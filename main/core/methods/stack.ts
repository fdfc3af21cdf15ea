// The contract's stack.* methods over the controller, the health monitor and the local
// mailboxes. The stack's side (dockerode, the probes' clients) loads on first use.
import { MaildockError } from '../../../common/errors.js';
import type { MethodName, MethodOutput, MethodParsedInput } from '../../../common/api.js';
import type { StackHealth, StackProgress, StackSettings } from '../../../common/stack.js';
import type { Account, AccountInput } from '../../../common/types.js';
import type { Store } from '../store/index.js';
import type { MethodsOf } from './table.js';
import { StackController } from '../stack/controller.js';
import type { StackOptions } from '../stack/docker.js';
import { generatePassword } from '../stack/stack-files.js';
import { HealthMonitor } from '../stack/health.js';
import type { StackMailDatabase } from '../stack/mail-database.js';
import { hostOf } from '../stack/mail-maps.js';

export interface StackDeps {
  dataDir: string;
  store: Store;
  options?: StackOptions;
  onProgress: (p: StackProgress) => void;
  onHealth: (h: StackHealth) => void;
  addAccount: (input: AccountInput) => Promise<Account>;
  removeAccount: (id: number) => Promise<void>;
  /** Keeps a mailbox's Maildock account signing in after `stack user passwd`, when given. */
  setAccountPassword?: (id: number, password: string) => Promise<void>;
}

type StackMethod = Extract<MethodName, `stack.${string}`>;
type In<M extends StackMethod> = MethodParsedInput<M>;
type Out<M extends StackMethod> = MethodOutput<M>;

export class StackMethods {
  readonly controller: StackController;
  readonly monitor: HealthMonitor;
  readonly mail: StackMailDatabase;

  constructor(private readonly deps: StackDeps) {
    this.controller = new StackController({
      dataDir: deps.dataDir,
      ...(deps.options?.composeFile ? { composeFile: deps.options.composeFile } : {}),
      ...(deps.options?.docker ? { docker: deps.options.docker } : {}),
      onProgress: deps.onProgress,
    });
    this.monitor = new HealthMonitor(this.controller, deps.onHealth);
    this.mail = this.controller.mail;
  }

  config(patch: In<'stack.config'>): Out<'stack.config'> {
    const files = this.controller.files;
    const current = files.settings();
    const { relay, ports, ...rest } = patch;
    const next: StackSettings = {
      ...current,
      ...rest,
      ports: {
        ...current.ports,
        ...Object.fromEntries(Object.entries(ports ?? {}).filter(([, v]) => v !== undefined)),
      },
      ...(relay === undefined
        ? {}
        : {
            relay: relay && {
              host: relay.host,
              port: relay.port ?? 587,
              ...(relay.user ? { user: relay.user } : {}),
            },
          }),
    };
    const used = new Map<number, string>();
    for (const [name, port] of Object.entries(next.ports)) {
      const other = used.get(port);
      if (other)
        throw new MaildockError(
          'INVALID_INPUT',
          `The ${name} and ${other} ports are both ${port}.`,
          {
            port,
          },
        );
      used.set(port, name);
    }
    // Host networking gives server instance n the port server + n − 1: those are taken too.
    for (let n = 2; n <= next.serverInstances; n++) {
      const port = next.ports.server + n - 1;
      const other = used.get(port);
      if (other)
        throw new MaildockError(
          'INVALID_INPUT',
          `Server instance ${n} would listen on ${port}, the ${other} port.`,
          { port },
        );
    }
    if (relay !== undefined) {
      if (relay && relay.password && !relay.user)
        throw new MaildockError('INVALID_INPUT', 'A relay password needs a relay user.');
      files.ensureSecrets();
      files.setRelayPassword(
        relay?.user && relay.password
          ? {
              host: relay.host,
              port: relay.port ?? 587,
              user: relay.user,
              password: relay.password,
            }
          : null,
      );
    }
    files.saveSettings(next);
    return next;
  }

  async up(input: In<'stack.up'>): Promise<Out<'stack.up'>> {
    if (input.network) this.config({ network: input.network });
    if (input.profiles) this.config({ profiles: input.profiles });
    const before = this.controller.files.pinnedCert();
    const status = await this.controller.up({ rebuild: input.rebuild });
    const after = this.controller.files.pinnedCert();
    // The stack made a new certificate (its TLS volume was removed): the app read it through
    // Docker, so the local mailboxes' accounts trust the new one instead of the old.
    if (before && after && before.fingerprint !== after.fingerprint)
      await this.deps.store.accounts.repin(before.pem, after.pem);
    return status;
  }

  async health(input: In<'stack.health'>): Promise<Out<'stack.health'>> {
    const current = await this.monitor.round();
    return { current, history: input.history ? this.monitor.recent(input.history) : [] };
  }

  private address(name: string): string {
    return name.includes('@') ? name : `${name}@${this.controller.settings().domain}`;
  }

  async addUser(input: In<'stack.user.add'>): Promise<Out<'stack.user.add'>> {
    const settings = this.controller.settings();
    const address = this.address(input.name);
    const cert = this.controller.files.pinnedCert();
    if (!cert)
      throw new MaildockError(
        'STACK_NOT_RUNNING',
        'The stack has not been started yet: run maildock stack up first.',
      );
    const password = input.password ?? generatePassword();
    await this.mail.addUser(address, password, input.quota ?? null);
    const host = hostOf(settings);
    try {
      const account = await this.deps.addAccount({
        email: address,
        name: input.name,
        imap: {
          host,
          port: settings.ports.imaps,
          security: 'tls',
          user: address,
          tlsCert: cert.pem,
        },
        smtp: {
          host,
          port: settings.ports.submission,
          security: 'starttls',
          user: address,
          tlsCert: cert.pem,
        },
        password,
      });
      return { address, accountId: account.id };
    } catch (err) {
      // The mailbox is of no use without its account: take it back, so a retry starts clean.
      await this.mail.removeUser(address);
      throw err;
    }
  }

  async listUsers(): Promise<Out<'stack.user.list'>> {
    const accounts = await this.deps.store.accounts.list();
    const boxes = await this.mail.list(this.controller.settings().domain);
    return boxes.map((box) => ({
      address: box.address,
      accountId: accounts.find((a) => a.email === box.address)?.id ?? null,
      quotaBytes: box.quotaBytes,
    }));
  }

  /** The login goes, and its account in Maildock; the mail stays in the stack's volume. */
  async removeUser(input: In<'stack.user.remove'>): Promise<Out<'stack.user.remove'>> {
    const address = this.address(input.name);
    const removed = await this.mail.removeUser(address);
    const account = (await this.deps.store.accounts.list()).find((a) => a.email === address);
    if (account) await this.deps.removeAccount(account.id);
    if (!removed && !account)
      throw new MaildockError('NOT_FOUND', `There is no local mailbox ${address}.`, { address });
    return { removed, accountRemoved: !!account };
  }

  async setPassword(input: In<'stack.user.passwd'>): Promise<Out<'stack.user.passwd'>> {
    const address = this.address(input.name);
    if (!(await this.mail.setPassword(address, input.password)))
      throw new MaildockError('NOT_FOUND', `There is no local mailbox ${address}.`, { address });
    const account = (await this.deps.store.accounts.list()).find((a) => a.email === address);
    const update = this.deps.setAccountPassword;
    if (account && update) await update(account.id, input.password);
    return { address, accountUpdated: !!(account && update) };
  }

  async setQuota(input: In<'stack.user.quota'>): Promise<Out<'stack.user.quota'>> {
    const address = this.address(input.name);
    if (!(await this.mail.setQuota(address, input.quota)))
      throw new MaildockError('NOT_FOUND', `There is no local mailbox ${address}.`, { address });
    return { address, quotaBytes: input.quota };
  }

  stop(): void {
    this.monitor.stop();
  }
}

/** The contract's stack.* entries over the stack's part, made on first use. */
export function stackMethods(stack: () => Promise<StackMethods>): MethodsOf<'stack.'> {
  return {
    'stack.config': async (patch) => (await stack()).config(patch),
    'stack.up': async (input) => (await stack()).up(input),
    'stack.status': async () => (await stack()).controller.status(),
    'stack.start': async ({ service }) => (await stack()).controller.start(service),
    'stack.stop': async ({ service }) => (await stack()).controller.stop(service),
    'stack.restart': async ({ service }) => (await stack()).controller.restart(service),
    'stack.down': async ({ volumes }) => (await stack()).controller.down({ volumes }),
    'stack.logs': async ({ service, tail, since }) =>
      (await stack()).controller.logs(service, { tail, ...(since ? { since } : {}) }),
    'stack.health': async (input) => (await stack()).health(input),
    'stack.user.add': async (input) => (await stack()).addUser(input),
    'stack.user.list': async () => (await stack()).listUsers(),
    'stack.user.remove': async (input) => (await stack()).removeUser(input),
    'stack.user.passwd': async (input) => (await stack()).setPassword(input),
    'stack.user.quota': async (input) => (await stack()).setQuota(input),
  };
}
