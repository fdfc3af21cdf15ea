// account.discover: an address's servers, found in Thunderbird's order, stopping at the first
// step that answers: the bundled ISPDB (by the domain, then by its MX host), the provider's
// autoconfig file, RFC 6186 SRV records, then likely hosts probed. The answer says where it
// came from; when nothing answers, NOT_FOUND says what was tried.
import { MaildockError } from '../../../common/errors.js';
import type { Discovery } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import { autoconfigStep } from './autoconfig.js';
import { addressParts } from './config-xml.js';
import { guessStep } from './guess.js';
import { ispdbStep } from './ispdb.js';
import { DiscoveryNet, type DiscoveryOptions } from './net.js';
import { srvStep } from './srv.js';
import type { Step } from './step.js';

const log = getLogger('discovery');

const STEPS: [Discovery['source'], Step][] = [
  ['ispdb', ispdbStep],
  ['autoconfig', autoconfigStep],
  ['srv', srvStep],
  ['guess', guessStep],
];

export async function discover(email: string, options: DiscoveryOptions = {}): Promise<Discovery> {
  const started = performance.now();
  const address = addressParts(email);
  if (!address) {
    throw new MaildockError(
      'INVALID_INPUT',
      `${email} is not an address whose domain can be looked up.`,
      {
        email,
      },
    );
  }
  const net = new DiscoveryNet(options);
  const tried: string[] = [];
  for (const [source, step] of STEPS) {
    const answer = await step(address, net, tried);
    if (!answer) continue;
    const tookMs = Math.round(performance.now() - started);
    // The domain and where the answer came from; the address is the user's own business.
    log.info({ domain: address.domain, source, tookMs }, 'account settings discovered');
    return { ...answer, tookMs };
  }
  log.info(
    { domain: address.domain, tookMs: Math.round(performance.now() - started) },
    'no account settings found',
  );
  throw new MaildockError(
    'NOT_FOUND',
    `No server settings were found for ${address.domain}: enter them by hand. Tried ${tried.join('; ')}.`,
    { email, domain: address.domain },
  );
}
