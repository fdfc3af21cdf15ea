// The sign-in routes of the server of many people, as the browser calls them: `auth.mode`,
// `auth.login`, `auth.refresh`, `auth.logout`. They sit beside the contract's methods (they
// need no access token, or hand one out), so their answers are checked here, with the
// same envelope and error data as every other answer.
import { z } from 'zod';
import { errorDataSchema, type ErrorCode, type ErrorData } from '../../../common/errors.js';

export type SignInMode = 'password' | 'token';

const userSchema = z.object({ email: z.string(), tenant: z.string(), role: z.string() });
export type SignedInUser = z.infer<typeof userSchema>;

const signedInSchema = z.object({
  accessToken: z.string().min(1),
  // Milliseconds since the epoch; an ISO time is read too.
  expiresAt: z.union([
    z.number().finite(),
    z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso)),
  ]),
  user: userSchema,
});
export type SignedIn = z.infer<typeof signedInSchema>;

const envelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorDataSchema }),
]);

export type AuthAnswer<T> =
  | { ok: true; value: T; serverTime: number | null }
  | { ok: false; status: number; error: ErrorData };

export interface AuthApiOptions {
  fetch?: typeof fetch;
  /** How the server that sent the page signs people in, as it wrote it there (declaredSignIn). */
  declared?: SignInMode | null;
}

/**
 * What the server wrote into the page (`<meta name="maildock-signin">`, main/server/page.ts):
 * with it the page's first requests need not wait for auth.mode. Null where the page came
 * from elsewhere (Vite's dev server).
 */
export function declaredSignIn(doc: Pick<Document, 'querySelector'>): SignInMode | null {
  const said = doc.querySelector<HTMLMetaElement>('meta[name="maildock-signin"]')?.content;
  return said === 'password' ? 'password' : said === 'link' ? 'token' : null;
}

const failed = (status: number, code: ErrorCode, message: string) =>
  ({ ok: false, status, error: { code, message } }) as const;

/** Status 0: the server was not reached at all. */
export const UNREACHED = 0;

export class AuthApi {
  private readonly doFetch: typeof fetch;
  private readonly declared: SignInMode | null;

  constructor(opts: AuthApiOptions = {}) {
    this.doFetch = opts.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
    this.declared = opts.declared ?? null;
  }

  /** The one-person server has no auth.mode: anything but "password" is its link and cookie. */
  async mode(): Promise<AuthAnswer<SignInMode>> {
    if (this.declared) return { ok: true, value: this.declared, serverTime: null };
    const answer = await this.post('auth.mode', {}, null, z.object({ mode: z.string() }));
    if (answer.ok)
      return { ...answer, value: answer.value.mode === 'password' ? 'password' : 'token' };
    if (answer.status === UNREACHED || answer.status >= 500) return answer;
    return { ok: true, value: 'token', serverTime: null };
  }

  login(email: string, password: string): Promise<AuthAnswer<SignedIn>> {
    return this.post('auth.login', { email, password }, null, signedInSchema);
  }

  /** Spends the refresh cookie (the browser sends it; this page never sees it). */
  refresh(): Promise<AuthAnswer<SignedIn>> {
    return this.post('auth.refresh', {}, null, signedInSchema);
  }

  logout(accessToken: string | null): Promise<AuthAnswer<unknown>> {
    return this.post('auth.logout', {}, accessToken, z.unknown());
  }

  private async post<T>(
    method: string,
    body: unknown,
    accessToken: string | null,
    schema: z.ZodType<T>,
  ): Promise<AuthAnswer<T>> {
    let res: Response;
    try {
      res = await this.doFetch(`/api/${method}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'content-type': 'application/json',
          ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
        },
        body: JSON.stringify(body),
      });
    } catch (err) {
      return failed(
        UNREACHED,
        'CONNECTION_LOST',
        `Maildock's server could not be reached: ${err instanceof Error ? err.message : err}`,
      );
    }
    const envelope = envelopeSchema.safeParse(await res.json().catch(() => null));
    if (!envelope.success) {
      return failed(
        res.status,
        res.status === 401 ? 'UNAUTHORIZED' : 'PROTOCOL_ERROR',
        `The server answered ${method} with HTTP ${res.status} and no result.`,
      );
    }
    if (!envelope.data.ok) {
      const error = envelope.data.error;
      // A 429 from a proxy in front may carry only the header.
      const retryAfter = Number(res.headers.get('retry-after'));
      if (
        error.code === 'RATE_LIMITED' &&
        error.fields?.['retryAfter'] === undefined &&
        retryAfter > 0
      ) {
        return {
          ok: false,
          status: res.status,
          error: { ...error, fields: { ...error.fields, retryAfter } },
        };
      }
      return { ok: false, status: res.status, error };
    }
    const value = schema.safeParse(envelope.data.value);
    if (!value.success) {
      return failed(
        res.status,
        'PROTOCOL_ERROR',
        `The server answered ${method} in a form this page does not understand.`,
      );
    }
    const date = Date.parse(res.headers.get('date') ?? '');
    return { ok: true, value: value.data, serverTime: Number.isNaN(date) ? null : date };
  }
}
