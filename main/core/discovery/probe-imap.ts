// Is there an IMAP server at host:port, and how does it let people sign in? A probe connects
// (TLS from the start, or STARTTLS), reads the capabilities once TLS is up, checks IMAP4rev1,
// and logs out without signing in. Nothing is offered that did not answer like this.
import type { AuthMethod } from '../../../common/types.js';
import { LineSocket, openLines } from './lines.js';
import { abortable, Miss, withDeadline, type DiscoveryNet } from './net.js';

/** The sign-in methods a server's capabilities offer, password first. */
export function imapAuth(capabilities: ReadonlySet<string>): AuthMethod[] {
  const auth: AuthMethod[] = [];
  // LOGIN works unless the server says LOGINDISABLED; AUTH=PLAIN works where it is offered.
  if (!capabilities.has('LOGINDISABLED') || capabilities.has('AUTH=PLAIN')) auth.push('password');
  if (capabilities.has('AUTH=XOAUTH2') || capabilities.has('AUTH=OAUTHBEARER')) auth.push('oauth2');
  return auth;
}

/** The capabilities a line states (`* CAPABILITY …` or a greeting's `[CAPABILITY …]`), upper case. */
export function capabilitiesIn(line: string): Set<string> | null {
  const found =
    /^\* CAPABILITY (.*)$/i.exec(line)?.[1] ?? /\[CAPABILITY ([^\]]*)\]/i.exec(line)?.[1];
  return found === undefined ? null : new Set(found.trim().toUpperCase().split(/\s+/));
}

/** Sends a command; resolves to its untagged lines once its tagged OK comes. */
async function command(lines: LineSocket, tag: string, text: string): Promise<string[]> {
  lines.write(`${tag} ${text}\r\n`);
  const untagged: string[] = [];
  for (;;) {
    const line = await lines.line();
    if (!line.startsWith(`${tag} `)) {
      untagged.push(line);
      continue;
    }
    if (!/^\S+ OK\b/i.test(line)) throw new Miss(`refused ${text.split(' ')[0]}`);
    return untagged;
  }
}

async function capabilities(lines: LineSocket, tag: string): Promise<Set<string>> {
  for (const line of await command(lines, tag, 'CAPABILITY')) {
    const caps = capabilitiesIn(line);
    if (caps) return caps;
  }
  throw new Miss('stated no capabilities');
}

/** The sign-in methods of the IMAP server at host:port; rejects with a Miss saying why not. */
export function probeImap(
  net: DiscoveryNet,
  host: string,
  port: number,
  security: 'tls' | 'starttls',
): Promise<AuthMethod[]> {
  return withDeadline(net.timeoutMs, async (signal) => {
    const target = await abortable(net.target(host, port), signal);
    let lines = await openLines(net, target, port, security, signal);
    const greeting = await lines.line();
    if (!/^\* OK\b/i.test(greeting)) throw new Miss('did not greet as an IMAP server');
    let caps = capabilitiesIn(greeting);
    if (security === 'starttls') {
      caps ??= await capabilities(lines, 'a1');
      if (!caps.has('STARTTLS')) throw new Miss('offers no STARTTLS');
      await command(lines, 'a2', 'STARTTLS');
      lines = new LineSocket(await net.tls(target, port, signal, lines.handOver()));
      // What was said before TLS may have been forged on the way: asked again.
      caps = await capabilities(lines, 'a3');
    }
    caps ??= await capabilities(lines, 'a1');
    if (!caps.has('IMAP4REV1')) throw new Miss('does not speak IMAP4rev1');
    const auth = imapAuth(caps);
    if (!auth.length) throw new Miss('offers no sign-in Maildock supports');
    lines.write('a4 LOGOUT\r\n');
    return auth;
  });
}
