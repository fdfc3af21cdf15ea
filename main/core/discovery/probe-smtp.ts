// Is there a submission server at host:port, and how does it let people sign in? A probe
// connects (TLS from the start, or STARTTLS), says EHLO once TLS is up, reads the AUTH
// mechanisms and quits without sending anything.
import type { AuthMethod } from '../../../common/types.js';
import { LineSocket, openLines } from './lines.js';
import { abortable, Miss, withDeadline, type DiscoveryNet } from './net.js';

/** The sign-in methods of an EHLO answer's extensions (AUTH PLAIN LOGIN …), password first. */
export function smtpAuth(extensions: readonly string[]): AuthMethod[] {
  const mechanisms = new Set(
    extensions
      .filter((e) => /^AUTH[ =]/i.test(e))
      .flatMap((e) => e.slice(5).toUpperCase().split(/\s+/)),
  );
  const auth: AuthMethod[] = [];
  if (['PLAIN', 'LOGIN', 'CRAM-MD5'].some((m) => mechanisms.has(m))) auth.push('password');
  if (mechanisms.has('XOAUTH2') || mechanisms.has('OAUTHBEARER')) auth.push('oauth2');
  return auth;
}

/** One reply, its lines joined up: the code and each line's text. */
async function reply(lines: LineSocket): Promise<{ code: number; texts: string[] }> {
  const texts: string[] = [];
  for (;;) {
    const line = await lines.line();
    const m = /^(\d{3})([ -])(.*)$/.exec(line);
    if (!m) throw new Miss('did not answer as an SMTP server');
    texts.push(m[3]!);
    if (m[2] === ' ') return { code: Number(m[1]), texts };
  }
}

async function ehlo(lines: LineSocket): Promise<string[]> {
  // An address literal: the probe tells nothing of the machine it runs on.
  lines.write('EHLO [127.0.0.1]\r\n');
  const r = await reply(lines);
  if (r.code !== 250) throw new Miss('refused EHLO');
  return r.texts.slice(1);
}

/** The sign-in methods of the SMTP server at host:port; rejects with a Miss saying why not. */
export function probeSmtp(
  net: DiscoveryNet,
  host: string,
  port: number,
  security: 'tls' | 'starttls',
): Promise<AuthMethod[]> {
  return withDeadline(net.timeoutMs, async (signal) => {
    const target = await abortable(net.target(host, port), signal);
    let lines = await openLines(net, target, port, security, signal);
    if ((await reply(lines)).code !== 220) throw new Miss('did not greet as an SMTP server');
    let extensions = await ehlo(lines);
    if (security === 'starttls') {
      if (!extensions.some((e) => /^STARTTLS$/i.test(e))) throw new Miss('offers no STARTTLS');
      lines.write('STARTTLS\r\n');
      if ((await reply(lines)).code !== 220) throw new Miss('refused STARTTLS');
      lines = new LineSocket(await net.tls(target, port, signal, lines.handOver()));
      // What was said before TLS may have been forged on the way: asked again.
      extensions = await ehlo(lines);
    }
    const auth = smtpAuth(extensions);
    if (!auth.length) throw new Miss('offers no sign-in Maildock supports');
    lines.write('QUIT\r\n');
    return auth;
  });
}
