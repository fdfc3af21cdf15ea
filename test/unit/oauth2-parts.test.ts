// The pure parts of OAuth2 sign-in: provider profiles and where client ids come from, when an
// access token counts as fresh, what a pasted answer means, and the loopback listener's check
// of the state (it runs on 127.0.0.1 like the real one).
import { describe, expect, it } from 'vitest';
import { pastedAnswer } from '../../main/core/oauth2/flows.js';
import { listenOnce } from '../../main/core/oauth2/loopback.js';
import { clientFor, profileFor, profileForHost } from '../../main/core/oauth2/profiles.js';
import { fresh, tokensOf } from '../../main/core/oauth2/tokens.js';

describe('OAuth2 profiles', () => {
  it('knows Google and Microsoft 365: scopes for IMAP and SMTP, and their servers', () => {
    expect(profileFor('google').scopes).toEqual(['https://mail.google.com/']);
    expect(profileFor('microsoft').scopes).toEqual([
      'https://outlook.office.com/IMAP.AccessAsUser.All',
      'https://outlook.office.com/SMTP.Send',
      'offline_access',
    ]);
    expect(profileForHost('IMAP.gmail.com.')?.id).toBe('google');
    expect(profileForHost('smtp.office365.com')?.id).toBe('microsoft');
    expect(profileForHost('imap.example.test')).toBeNull();
  });

  it('takes any issuer over HTTPS (plain HTTP only on this machine) as a discovery profile', () => {
    expect(profileFor('https://id.example.test/')).toMatchObject({
      id: 'https://id.example.test',
      endpoints: null,
    });
    expect(profileFor('http://127.0.0.1:4000').endpoints).toBeNull();
    expect(() => profileFor('http://id.example.test')).toThrow(/HTTPS/);
    expect(() => profileFor('gmail')).toThrow(/neither/);
  });

  it('reads client ids from the options, then the environment, and says which setting is missing', () => {
    const google = profileFor('google');
    expect(clientFor(google, { clients: { google: { clientId: 'a' } } }, {})).toEqual({
      clientId: 'a',
    });
    expect(
      clientFor(google, undefined, {
        MAILDOCK_OAUTH2_GOOGLE_CLIENT_ID: 'b',
        MAILDOCK_OAUTH2_GOOGLE_CLIENT_SECRET: 's',
      }),
    ).toEqual({ clientId: 'b', clientSecret: 's' });
    expect(
      clientFor(profileFor('https://id.example.test'), undefined, {
        MAILDOCK_OAUTH2_CLIENT_ID: 'c',
        MAILDOCK_OAUTH2_SCOPES: 'offline_access  mail',
      }),
    ).toEqual({ clientId: 'c', scopes: ['offline_access', 'mail'] });
    expect(() => clientFor(profileFor('microsoft'), undefined, {})).toThrow(
      /MAILDOCK_OAUTH2_MICROSOFT_CLIENT_ID/,
    );
  });
});

describe('access tokens', () => {
  it('are refreshed a minute before they expire, or at half their life when shorter', () => {
    const t = tokensOf({ access_token: 'x', token_type: 'bearer', expires_in: 3600 }, 0);
    expect(t).toMatchObject({ expiresAt: 3_600_000, lifetime: 3600, refreshToken: null });
    expect(fresh(t.expiresAt, t.lifetime, 3_539_000)).toBe(true);
    expect(fresh(t.expiresAt, t.lifetime, 3_541_000)).toBe(false);
    expect(fresh(10_000, 10, 4_000)).toBe(true);
    expect(fresh(10_000, 10, 5_500)).toBe(false);
  });
});

describe('a pasted answer of the manual flow', () => {
  const redirect = 'http://127.0.0.1:5000/';
  it('is the whole address, a query, or the bare code (given the flow’s state)', () => {
    expect(pastedAnswer(' http://127.0.0.1:5000/?code=a&state=s ', redirect, 's').href).toBe(
      'http://127.0.0.1:5000/?code=a&state=s',
    );
    expect(pastedAnswer('?code=b&state=t', redirect, 's').searchParams.get('state')).toBe('t');
    const bare = pastedAnswer('c0de', redirect, 's');
    expect([bare.searchParams.get('code'), bare.searchParams.get('state')]).toEqual(['c0de', 's']);
  });
});

describe('the loopback listener', () => {
  it('takes only the answer with its state, on 127.0.0.1, then closes', async () => {
    const l = await listenOnce('right');
    expect(l.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(`${l.redirectUri}?code=x&state=wrong`)).status).toBe(400);
    expect((await fetch(`${l.redirectUri}other?state=right`)).status).toBe(404);
    const page = await fetch(`${l.redirectUri}?code=x&state=right`);
    expect(page.status).toBe(200);
    expect((await l.answer).searchParams.get('code')).toBe('x');
    await expect(fetch(`${l.redirectUri}?code=y&state=right`)).rejects.toThrow();
  });
});
