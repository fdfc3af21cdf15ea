// Step 2: the provider's own autoconfig file, in the ISPDB's format, at
// https://autoconfig.<domain>/mail/config-v1.1.xml?emailaddress=… and then at
// https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml. Both are asked at once and
// the first that answers wins, in that order. HTTPS only, no redirects followed, a short
// time limit and a cap on the body: the web server may be anyone's. On the server of many
// people each host goes through its gate first (net/mail-hosts.ts), and the request goes to
// the address that was checked.
import { request } from 'node:https';
import { isIP } from 'node:net';
import { parseClientConfig } from './config-xml.js';
import { abortable, Miss, missOf, withDeadline, type DiscoveryNet } from './net.js';
import { answerFrom, type Step } from './step.js';

/** Far above any real file (a few KB), far below harm. */
export const MAX_AUTOCONFIG_BYTES = 128 * 1024;

export function autoconfigUrls(email: string, domain: string): URL[] {
  return [
    new URL(
      `https://autoconfig.${domain}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(email)}`,
    ),
    new URL(`https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml`),
  ];
}

/** The body of an HTTPS GET, as text; rejects with a Miss saying why there is none. */
export function fetchConfig(net: DiscoveryNet, url: URL): Promise<string> {
  return withDeadline(net.timeoutMs, async (signal) => {
    const port = net.port(url.port ? Number(url.port) : 443);
    const target = await abortable(net.target(url.hostname, port), signal);
    return new Promise<string>((resolve, reject) => {
      const req = request({
        host: target.host,
        port,
        ...(isIP(url.hostname) ? {} : { servername: target.servername }),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        // No shared agent: no pooled connection or TLS session of anything else is reused.
        agent: false,
        rejectUnauthorized: true,
        ...(net.options.ca ? { ca: net.options.ca } : {}),
        headers: { host: url.host, accept: 'application/xml, text/xml', 'user-agent': 'Maildock' },
        signal,
      });
      req.on('error', (err) => reject(missOf(signal.aborted ? signal.reason : err)));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const length = Number(res.headers['content-length'] ?? 0);
        if (status !== 200 || length > MAX_AUTOCONFIG_BYTES) {
          res.destroy();
          req.destroy();
          reject(new Miss(status !== 200 ? `HTTP ${status}` : 'larger than a configuration file'));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_AUTOCONFIG_BYTES) {
            req.destroy();
            reject(new Miss('larger than a configuration file'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err) => reject(missOf(err)));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
      req.end();
    });
  });
}

/** What one URL gives: a provider's file, or why not. */
async function read(net: DiscoveryNet, url: URL) {
  let body: string;
  try {
    body = await fetchConfig(net, url);
  } catch (err) {
    return { miss: missOf(err).message };
  }
  try {
    return { config: parseClientConfig(body) };
  } catch (err) {
    return { miss: `not a configuration file: ${(err as Error).message}` };
  }
}

export const autoconfigStep: Step = async (address, net, tried) => {
  const urls = autoconfigUrls(address.email, address.domain);
  const reads = urls.map((url) => read(net, url));
  const notes: string[] = [];
  for (const [i, url] of urls.entries()) {
    const r = await reads[i]!;
    const answer =
      r.config &&
      answerFrom(r.config, address, {
        source: 'autoconfig',
        origin: url.href,
        domain: address.domain,
        mx: null,
      });
    if (answer) return answer;
    notes.push(`${url.href} (${r.miss ?? 'no IMAP server Maildock can use'})`);
  }
  tried.push(`autoconfig: ${notes.join(', ')}`);
  return null;
};
