// A person's sign-in on the server of many people, in the browser. The access token lives
// in this object only (never in storage, where any script on the page could read it); the
// refresh token is an HttpOnly cookie the browser keeps and sends to auth.refresh alone.
// The token is renewed shortly before it expires, and after a 401 once; when renewing is
// refused the session has ended, and the page goes back to signing in.
import type { ErrorData } from '../../../common/errors.js';
import {
  AuthApi,
  UNREACHED,
  type AuthAnswer,
  type AuthApiOptions,
  type SignedIn,
  type SignedInUser,
  type SignInMode,
} from './auth-api.js';

export type SessionState =
  | { status: 'signed-out'; ended: boolean; email: string | null }
  | { status: 'signed-in'; user: SignedInUser };

/** What renewing the token came to. */
export type Renewal = 'renewed' | 'ended' | 'unreachable';

/** What the HTTP transport needs of a sign-in: the token to send, and a new one after a 401. */
export interface BearerSource {
  /** Whether the server signs people in with passwords (else: its link and cookie). */
  inUse(): boolean;
  token(): string | null;
  /** `refused`: the token the server refused; a newer one already there is used as it is. */
  renew(refused: string | null): Promise<Renewal>;
  /** Called when someone signs in or out (not when the token is renewed). */
  onPersonChange(fn: () => void): () => void;
}

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export interface SessionOptions extends AuthApiOptions {
  /** How long before expiry the token is renewed (at most half its lifetime). */
  renewBeforeMs?: number;
  /** The shortest wait before renewing: a clock far off must not renew in a loop. */
  minRenewDelayMs?: number;
  /** Web Locks, so that two tabs never spend the same refresh cookie at once. */
  locks?: LockManagerLike | null;
  /** Tells the other tabs of this origin that the person signed out. */
  channel?: BroadcastChannelLike | null;
}

interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((ev: MessageEvent) => void) | null;
}

const RENEW_BEFORE_MS = 60_000;
const MIN_RENEW_DELAY_MS = 5_000;
/** After a renewal that did not reach the server, while the token still holds. */
const UNREACHED_RETRY_MS = 10_000;
const LOCK_NAME = 'maildock-refresh';
const SIGNED_OUT_MESSAGE = 'maildock-signed-out';

export class PasswordSession implements BearerSource {
  private readonly api: AuthApi;
  private readonly renewBefore: number;
  private readonly minDelay: number;
  private readonly locks: LockManagerLike | null;
  private readonly channel: BroadcastChannelLike | null;
  private current: SessionState = { status: 'signed-out', ended: false, email: null };
  private accessToken: string | null = null;
  private renewing: Promise<Renewal> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly stateListeners = new Set<(state: SessionState) => void>();
  private readonly personListeners = new Set<() => void>();
  /** Only the server of many people has refresh cookies to spend. */
  private enabled = false;
  /** Counts sign-ins and sign-outs: a renewal answered after one belongs to no one now. */
  private generation = 0;

  constructor(opts: SessionOptions = {}) {
    this.api = new AuthApi(opts);
    this.renewBefore = opts.renewBeforeMs ?? RENEW_BEFORE_MS;
    this.minDelay = opts.minRenewDelayMs ?? MIN_RENEW_DELAY_MS;
    this.locks = opts.locks !== undefined ? opts.locks : browserLocks();
    this.channel = opts.channel !== undefined ? opts.channel : browserChannel();
    if (this.channel) {
      this.channel.onmessage = (ev) => {
        if (ev.data === SIGNED_OUT_MESSAGE && this.current.status === 'signed-in') {
          this.drop({ status: 'signed-out', ended: false, email: this.current.user.email });
        }
      };
    }
  }

  get state(): SessionState {
    return this.current;
  }

  subscribe(fn: (state: SessionState) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  onPersonChange(fn: () => void): () => void {
    this.personListeners.add(fn);
    return () => this.personListeners.delete(fn);
  }

  inUse(): boolean {
    return this.enabled;
  }

  token(): string | null {
    return this.accessToken;
  }

  /** Which sign-in the server wants; the one-person server's link and cookie unless it says. */
  mode(): Promise<AuthAnswer<SignInMode>> {
    return this.api.mode();
  }

  /**
   * The page has just opened on the server of many people: a refresh cookie still valid
   * signs the person in again (a reload keeps them signed in). Gives the error when the
   * server could not be asked, null otherwise.
   */
  async start(): Promise<ErrorData | null> {
    this.enabled = true;
    const answer = await this.spendRefreshCookie();
    if (answer.ok) {
      this.signedIn(answer.value, answer.serverTime);
      return null;
    }
    return answer.status === UNREACHED || answer.status >= 500 ? answer.error : null;
  }

  /** Signs in; the server's error when it refused. */
  async signIn(email: string, password: string): Promise<ErrorData | null> {
    this.enabled = true;
    const answer = await this.api.login(email, password);
    if (!answer.ok) return answer.error;
    this.signedIn(answer.value, answer.serverTime);
    return null;
  }

  /** Ends the session on the server too; the page signs out even if the server is away. */
  async signOut(): Promise<void> {
    const token = this.accessToken;
    const email = this.current.status === 'signed-in' ? this.current.user.email : null;
    this.drop({ status: 'signed-out', ended: false, email });
    this.channel?.postMessage(SIGNED_OUT_MESSAGE);
    if (token) await this.api.logout(token);
  }

  renew(refused: string | null): Promise<Renewal> {
    if (!this.enabled || this.current.status !== 'signed-in') return Promise.resolve('ended');
    if (this.accessToken !== null && this.accessToken !== refused) {
      return Promise.resolve('renewed');
    }
    // Calls refused together share one renewal: the cookie rotates on every use, and a
    // spent one sent again would end the session.
    this.renewing ??= this.renewOnce().finally(() => (this.renewing = null));
    return this.renewing;
  }

  private async renewOnce(): Promise<Renewal> {
    const user = this.current.status === 'signed-in' ? this.current.user : null;
    const generation = this.generation;
    const answer = await this.spendRefreshCookie();
    // Signed out (and maybe someone else in) meanwhile: what came back belongs to no one.
    if (this.generation !== generation || this.current.status !== 'signed-in') return 'ended';
    if (answer.ok) {
      this.signedIn(answer.value, answer.serverTime);
      return 'renewed';
    }
    if (answer.status === UNREACHED || answer.status >= 500 || answer.status === 429) {
      return 'unreachable';
    }
    this.drop({ status: 'signed-out', ended: true, email: user?.email ?? null });
    return 'ended';
  }

  private spendRefreshCookie() {
    const refresh = () => this.api.refresh();
    return this.locks ? this.locks.request(LOCK_NAME, refresh) : refresh();
  }

  private signedIn(value: SignedIn, serverTime: number | null): void {
    const before = this.current;
    this.accessToken = value.accessToken;
    this.current = { status: 'signed-in', user: value.user };
    this.schedule(value.expiresAt, serverTime);
    const samePerson =
      before.status === 'signed-in' &&
      before.user.email === value.user.email &&
      before.user.tenant === value.user.tenant;
    if (samePerson) return;
    this.generation += 1;
    for (const fn of this.personListeners) fn();
    this.emit();
  }

  private schedule(expiresAt: number, serverTime: number | null): void {
    if (this.timer) clearTimeout(this.timer);
    // The lifetime by the server's own clock (its Date header), so that a browser whose
    // clock is off neither renews in a loop nor lets the token lapse.
    const lifetime = expiresAt - (serverTime ?? Date.now());
    const delay = Math.max(this.minDelay, lifetime - Math.min(this.renewBefore, lifetime / 2));
    this.renewAfter(delay);
  }

  private renewAfter(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.renew(this.accessToken).then((outcome) => {
        // The server away: try again while signed in; a call meanwhile renews on its 401.
        if (outcome === 'unreachable' && this.current.status === 'signed-in' && !this.timer) {
          this.renewAfter(UNREACHED_RETRY_MS);
        }
      });
    }, delay);
  }

  private drop(next: SessionState): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.accessToken = null;
    this.current = next;
    this.generation += 1;
    for (const fn of this.personListeners) fn();
    this.emit();
  }

  private emit(): void {
    for (const fn of this.stateListeners) fn(this.current);
  }
}

function browserLocks(): LockManagerLike | null {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  return locks ? locks : null;
}

function browserChannel(): BroadcastChannelLike | null {
  if (typeof BroadcastChannel === 'undefined' || typeof window === 'undefined') return null;
  const channel = new BroadcastChannel('maildock-session');
  // Outside a browser (tests), an open channel would keep the process alive.
  (channel as { unref?: () => void }).unref?.();
  return channel;
}
