// A real OAuth2 authorization server for tests: panva's oidc-provider on a loopback port,
// with Maildock registered as a native (public) client that may use the authorization code
// flow with PKCE, the device flow and refresh tokens. Its access tokens are opaque, short-lived
// and meant for one audience, the mail server (a private Dovecot checks them through the
// introspection endpoint with its own client's credentials, and learns only of tokens meant
// for it). A second client's tokens are meant for another audience: the server must refuse them. Signing in is automatic as
// `user` (the test is the browser and the person at once), consent included.
import type { Server } from 'node:http';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { freePort } from './processes.js';

export const MAIL_RESOURCE = 'https://mail.maildock.test/';
export const MAIL_AUDIENCE = 'maildock-mail';
export const APP_CLIENT = 'maildock-app';
/** A client whose tokens name another audience than the mail server's. */
export const OTHER_CLIENT = 'other-app';
// Dovecot introspects as the audience it checks: its client_id setting is both.
const MAIL_CLIENT = MAIL_AUDIENCE;
const MAIL_CLIENT_SECRET = 'dovecot-introspection-secret';

export interface AuthServer {
  issuer: string;
  /** For Dovecot's oauth2 passdb: the introspection endpoint with its client's credentials. */
  introspectionUrl: string;
  revocationUrl: string;
  /** How many refresh-token grants were answered (tests of refreshing count them). */
  refreshes(): number;
  /**
   * Acts as the person's browser: follows a sign-in from its first address to its last, Maildock's
   * redirect address, which it opens unless `stopBefore` (a browser on another machine).
   */
  browse(url: string, opts?: { stopBefore?: boolean }): Promise<URL>;
  /**
   * Acts as the person on another device in a device sign-in: opens the page with the code
   * (verification_uri_complete), submits its forms as a browser would (the code, then the
   * confirmation, each with the page's xsrf token), and signs in. Answers the last page's text.
   */
  confirmDevice(url: string): Promise<string>;
  /**
   * The person withdraws a client's access at the provider, as its account page lets them:
   * every grant of the client goes, with its tokens. Answers how many grants went.
   */
  revokeGrants(clientId: string): Promise<number>;
  stop(): Promise<void>;
}

export interface AuthServerOptions {
  /** The account every sign-in is for: Dovecot's user name. */
  user: string;
  /** Seconds an access token lives. */
  accessTokenTtl?: number;
}

/** A minimal cookie jar: name=value, every cookie sent back on every request. */
class Cookies {
  private readonly jar = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const unescapeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export async function startAuthServer(opts: AuthServerOptions): Promise<AuthServer> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  let refreshes = 0;
  const native = (clientId: string) => ({
    client_id: clientId,
    application_type: 'native' as const,
    token_endpoint_auth_method: 'none' as const,
    grant_types: [
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
    ],
    response_types: ['code' as const],
    // Native clients: any port of the loopback address (RFC 8252 7.3).
    redirect_uris: ['http://127.0.0.1/'],
  });
  const provider = new Provider(issuer, {
    clients: [
      native(APP_CLIENT),
      native(OTHER_CLIENT),
      {
        client_id: MAIL_CLIENT,
        client_secret: MAIL_CLIENT_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
    ],
    scopes: ['openid', 'offline_access', 'mail'],
    async findAccount(_ctx, sub) {
      return { accountId: sub, claims: async () => ({ sub }) };
    },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
      introspection: {
        enabled: true,
        // RFC 7662 section 4: a resource server learns only of tokens meant for it. Dovecot 2.3
        // checks `aud` itself only for tokens it validates locally, so the audience is checked here.
        allowedPolicy: async (_ctx, client, token) =>
          client.clientId !== MAIL_CLIENT ||
          [(token as { aud?: string | string[] }).aud ?? []].flat().includes(MAIL_AUDIENCE),
      },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => MAIL_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, _resource, client) => ({
          scope: 'mail',
          audience: client.clientId === OTHER_CLIENT ? 'another-service' : MAIL_AUDIENCE,
          accessTokenFormat: 'opaque',
          accessTokenTTL: opts.accessTokenTtl ?? 3600,
        }),
      },
    },
    // Like Google and Microsoft: a refresh token for every grant of a client that may refresh.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
  });
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') refreshes++;
  });
  // The grants given, by id, with their client: what revokeGrants takes back.
  const grants = new Map<string, string>();
  provider.on('grant.saved', (grant: { jti: string; clientId?: string }) => {
    if (grant.clientId) grants.set(grant.jti, grant.clientId);
  });
  // The person signs in as `user` and agrees to everything asked.
  provider.use(async (ctx, next) => {
    const m = /^\/interaction\/([^/]+)$/.exec(ctx.path);
    if (!m || ctx.method !== 'GET') return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params } = details;
    let result;
    if (prompt.name === 'login') {
      result = { login: { accountId: opts.user } };
    } else {
      const grant = details.grantId
        ? (await provider.Grant.find(details.grantId))!
        : new provider.Grant({ accountId: opts.user, clientId: String(params.client_id) });
      const missing = prompt.details as {
        missingOIDCScope?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(resource, scopes.join(' '));
      }
      result = { consent: { grantId: await grant.save() } };
    }
    const to = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: true,
    });
    ctx.status = 303;
    ctx.redirect(to);
  });
  const server: Server = provider.listen(port, '127.0.0.1');
  await new Promise<void>((ok, fail) => {
    server.once('listening', () => ok());
    server.once('error', fail);
  });
  return {
    issuer,
    introspectionUrl: `http://${MAIL_CLIENT}:${MAIL_CLIENT_SECRET}@127.0.0.1:${port}/token/introspection`,
    revocationUrl: `${issuer}/token/revocation`,
    refreshes: () => refreshes,
    async browse(start, { stopBefore = false } = {}) {
      const cookies = new Cookies();
      let url = new URL(start);
      for (let hop = 0; hop < 20; hop++) {
        const res = await fetch(url, { redirect: 'manual', headers: { cookie: cookies.header() } });
        cookies.take(res);
        const location = res.headers.get('location');
        await res.arrayBuffer();
        if (!location || res.status < 300 || res.status >= 400) return url;
        url = new URL(location, url);
        // The last hop is Maildock's own listener: the browser goes there and stops.
        if (!url.href.startsWith(issuer)) {
          if (stopBefore) return url;
          const last = await fetch(url);
          await last.arrayBuffer();
          return url;
        }
      }
      throw new Error('too many redirects in the sign-in');
    },
    async confirmDevice(start) {
      const cookies = new Cookies();
      const send = async (url: URL, form?: URLSearchParams) => {
        // Redirects are followed by hand, to keep the cookies of every hop.
        let res = await fetch(url, {
          redirect: 'manual',
          headers: {
            cookie: cookies.header(),
            ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          ...(form ? { method: 'POST', body: form } : {}),
        });
        for (let hop = 0; hop < 20; hop++) {
          cookies.take(res);
          const location = res.headers.get('location');
          if (!location || res.status < 300 || res.status >= 400) break;
          await res.arrayBuffer();
          url = new URL(location, url);
          res = await fetch(url, { redirect: 'manual', headers: { cookie: cookies.header() } });
        }
        return { url, status: res.status, body: await res.text() };
      };
      let page = await send(new URL(start));
      // The code page posts itself, then the confirmation asks: at most these two forms.
      for (let form = 0; form < 3; form++) {
        const m = /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(
          page.body,
        );
        if (!m) break;
        const fields = new URLSearchParams();
        for (const input of m[2]!.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi)) {
          fields.set(input[1]!, unescapeHtml(input[2]!));
        }
        page = await send(new URL(unescapeHtml(m[1]!), page.url), fields);
      }
      if (page.status !== 200) throw new Error(`the device sign-in ended with ${page.status}`);
      return page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    },
    async revokeGrants(clientId) {
      const ids = [...grants].filter(([, c]) => c === clientId).map(([id]) => id);
      const models = [
        provider.AccessToken,
        provider.RefreshToken,
        provider.AuthorizationCode,
        provider.DeviceCode,
      ] as unknown as { revokeByGrantId(id: string): Promise<void> }[];
      const adapter = (
        provider.Grant as unknown as { adapter: { destroy(id: string): Promise<void> } }
      ).adapter;
      for (const id of ids) {
        await Promise.all(models.map((m) => m.revokeByGrantId(id)));
        await adapter.destroy(id);
        grants.delete(id);
      }
      return ids.length;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
