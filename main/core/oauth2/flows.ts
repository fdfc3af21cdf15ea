// Sign-ins under way: started (oauth2.start) with what the user must open, finished
// (oauth2.finish) when the provider has answered, and the grant then kept in memory until an
// account takes it (account.add, account.signin) or the flow expires. Three flows:
// - loopback: authorization code with PKCE, the browser coming back to 127.0.0.1 (RFC 8252);
// - manual: the same, where the browser may be elsewhere: the user pastes the code, or the
//   whole address the browser ended on;
// - device: the device authorization grant (RFC 8628), a code entered on any device.
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { MaildockError } from '../../../common/errors.js';
import type { OAuth2Flow, OAuth2FlowKind } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import { listenOnce, type LoopbackListener } from './loopback.js';
import { clientFor, profileFor, type OAuth2Options, type OAuth2Profile } from './profiles.js';
import { configurationFor, providerError } from './provider.js';
import { tokensOf, type Grant } from './tokens.js';

const log = getLogger('oauth2');

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

interface Pending {
  shown: OAuth2Flow;
  profile: OAuth2Profile;
  clientId: string;
  scopes: string[];
  config: oidc.Configuration;
  expiresAt: number;
  timer: NodeJS.Timeout;
  /** Aborted when the flow expires or is dropped: a device poll stops. */
  abort: AbortController;
  /** Dropped by oauth2.cancel, not by its time running out. */
  cancelled: boolean;
  listener: LoopbackListener | null;
  verifier: string | null;
  state: string | null;
  device: oidc.DeviceAuthorizationResponse | null;
  finishing: Promise<Grant> | null;
  grant: Grant | null;
}

const newFlowId = () => randomBytes(18).toString('base64url');

/** What the user pasted for a manual flow: the address the browser ended on, or the bare code. */
export function pastedAnswer(pasted: string, redirectUri: string, state: string): URL {
  const text = pasted.trim();
  if (/^https?:\/\//i.test(text)) return new URL(text);
  const url = new URL(redirectUri);
  const query = text.startsWith('?') || text.includes('code=') ? text.replace(/^\?/, '') : '';
  if (query) url.search = query;
  else url.search = new URLSearchParams({ code: text, state }).toString();
  return url;
}

export class OAuth2Flows {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly options: () => OAuth2Options | undefined) {}

  async start(input: {
    email: string;
    provider: string;
    flow: OAuth2FlowKind;
  }): Promise<OAuth2Flow> {
    const profile = profileFor(input.provider);
    const client = clientFor(profile, this.options());
    const scopes = client.scopes ?? profile.scopes;
    const config = await configurationFor(profile, client);
    const ttl = this.options()?.flowTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const flowId = newFlowId();
    const abort = new AbortController();
    let listener: LoopbackListener | null = null;
    let verifier: string | null = null;
    let state: string | null = null;
    let device: oidc.DeviceAuthorizationResponse | null = null;
    let url: string;
    let expiresAt = Date.now() + ttl;
    if (input.flow === 'device') {
      try {
        device = await oidc.initiateDeviceAuthorization(config, { scope: scopes.join(' ') });
      } catch (err) {
        throw providerError(err, profile, 'a device sign-in');
      }
      url = device.verification_uri_complete ?? device.verification_uri;
      expiresAt = Math.min(expiresAt, Date.now() + device.expires_in * 1000);
    } else {
      verifier = oidc.randomPKCECodeVerifier();
      state = oidc.randomState();
      listener = await listenOnce(state);
      url = oidc
        .buildAuthorizationUrl(config, {
          redirect_uri: listener.redirectUri,
          scope: scopes.join(' '),
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          login_hint: input.email,
          ...profile.authParams,
        })
        .toString();
    }
    const shown: OAuth2Flow = {
      flowId,
      flow: input.flow,
      provider: profile.id,
      email: input.email,
      url,
      userCode: device?.user_code ?? null,
      expiresAt: new Date(expiresAt).toISOString(),
    };
    const timer = setTimeout(() => this.drop(flowId), Math.max(0, expiresAt - Date.now()));
    timer.unref();
    this.pending.set(flowId, {
      shown,
      profile,
      clientId: client.clientId,
      scopes,
      config,
      expiresAt,
      timer,
      abort,
      cancelled: false,
      listener,
      verifier,
      state,
      device,
      finishing: null,
      grant: null,
    });
    log.info({ flowId, flow: input.flow, provider: profile.id }, 'sign-in started');
    if (input.flow === 'loopback') {
      await Promise.resolve(this.options()?.openBrowser?.(url)).catch((err: unknown) =>
        log.warn({ err }, 'the browser could not be opened'),
      );
    }
    return shown;
  }

  private flow(flowId: string): Pending {
    const p = this.pending.get(flowId);
    if (!p) {
      throw new MaildockError(
        'NOT_FOUND',
        'There is no such sign-in under way (it expired or was used): start again.',
        { field: 'flowId' },
      );
    }
    return p;
  }

  /** Waits for the provider's answer (or takes the pasted code) and exchanges it for tokens. */
  async finish(input: { flowId: string; code?: string | undefined }) {
    const p = this.flow(input.flowId);
    if (!p.finishing) {
      p.finishing = this.exchange(p, input.code);
      // A failed exchange may be tried again with another pasted code.
      p.finishing.catch(() => {
        if (this.pending.get(input.flowId) === p && !p.grant) p.finishing = null;
      });
    }
    await p.finishing;
    return { flowId: input.flowId, email: p.shown.email, provider: p.profile.id };
  }

  private async exchange(p: Pending, code: string | undefined): Promise<Grant> {
    let answer: oidc.TokenEndpointResponse;
    try {
      if (p.device) {
        answer = await oidc.pollDeviceAuthorizationGrant(p.config, p.device, undefined, {
          signal: p.abort.signal,
        });
      } else {
        const listener = p.listener!;
        const url =
          code !== undefined
            ? pastedAnswer(code, listener.redirectUri, p.state!)
            : await this.waitFor(listener.answer, p);
        answer = await oidc.authorizationCodeGrant(
          p.config,
          url,
          { pkceCodeVerifier: p.verifier!, expectedState: p.state! },
          { redirect_uri: listener.redirectUri },
        );
        listener.close();
      }
    } catch (err) {
      if (p.cancelled) {
        throw new MaildockError('CANCELLED', 'The sign-in was cancelled.', {
          provider: p.profile.id,
        });
      }
      if (p.abort.signal.aborted) {
        throw new MaildockError('TIMEOUT', 'The sign-in was not completed in time: start again.', {
          provider: p.profile.id,
        });
      }
      throw providerError(err, p.profile, 'the sign-in');
    }
    const got = tokensOf(answer);
    if (!got.refreshToken) {
      throw new MaildockError(
        'PROTOCOL_ERROR',
        `${p.profile.name} gave no refresh token: Maildock could not stay signed in.`,
        { provider: p.profile.id },
      );
    }
    p.grant = {
      provider: p.profile.id,
      email: p.shown.email,
      clientId: p.clientId,
      scopes: p.scopes,
      refreshToken: got.refreshToken,
      accessToken: got.accessToken,
      expiresAt: got.expiresAt,
      lifetime: got.lifetime,
    };
    log.info({ flowId: p.shown.flowId, provider: p.profile.id }, 'sign-in finished');
    return p.grant;
  }

  private waitFor(answer: Promise<URL>, p: Pending): Promise<URL> {
    return new Promise<URL>((resolve, reject) => {
      const onAbort = () => reject(new Error('expired'));
      p.abort.signal.addEventListener('abort', onAbort, { once: true });
      answer
        .then(resolve, reject)
        .finally(() => p.abort.signal.removeEventListener('abort', onAbort));
    });
  }

  /** The finished grant of a flow, for a test login; it stays for account.add to take. */
  grant(flowId: string, email: string): Grant {
    const p = this.flow(flowId);
    if (!p.grant) {
      throw new MaildockError(
        'INVALID_INPUT',
        'That sign-in is not finished: call oauth2.finish first.',
        {
          field: 'flowId',
        },
      );
    }
    if (p.grant.email.toLowerCase() !== email.toLowerCase()) {
      throw new MaildockError(
        'INVALID_INPUT',
        `That sign-in was started for ${p.grant.email}, not ${email}.`,
        { field: 'flowId', email },
      );
    }
    return p.grant;
  }

  /** Takes the finished grant: it can serve one account only. */
  take(flowId: string, email: string): Grant {
    const grant = this.grant(flowId, email);
    this.drop(flowId);
    return grant;
  }

  /** Stops a sign-in under way; false when there is none of that id. */
  cancel(flowId: string): boolean {
    const p = this.pending.get(flowId);
    if (!p) return false;
    p.cancelled = true;
    this.drop(flowId);
    log.info({ flowId, provider: p.profile.id }, 'sign-in cancelled');
    return true;
  }

  drop(flowId: string): void {
    const p = this.pending.get(flowId);
    if (!p) return;
    this.pending.delete(flowId);
    clearTimeout(p.timer);
    p.abort.abort();
    p.listener?.close();
  }

  close(): void {
    for (const id of [...this.pending.keys()]) this.drop(id);
  }
}
