// The server's connection to Redis (REDIS_URL), as the rate limiter uses it: commands fail at
// once while Redis is away rather than queueing (a request must not wait on a limiter), and
// the client reconnects on its own. BullMQ needs other settings and makes its own.
import { Redis } from 'ioredis';
import { MaildockError } from '../../common/errors.js';
import { getLogger } from '../core/platform/log.js';
import { maskUrl } from './config-describe.js';

const log = getLogger('server');
const CONNECT_TIMEOUT_MS = 5000;

/** A connected client; a MaildockError (HOST_UNREACHABLE) when Redis does not answer. */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  // One line when the connection goes and one when it is back, not one per retry.
  let down = false;
  redis.on('error', (err: Error & { code?: string }) => {
    if (down) return;
    down = true;
    log.warn({ redis: maskUrl(url), cause: err.code ?? err.message }, 'Redis is not answering');
  });
  redis.on('ready', () => {
    if (down) log.info({ redis: maskUrl(url) }, 'Redis answers again');
    down = false;
  });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    const parsed = new URL(url);
    throw new MaildockError(
      'HOST_UNREACHABLE',
      `Redis at ${maskUrl(url)} does not answer: ${(err as Error).message}`,
      {
        host: parsed.hostname,
        port: Number(parsed.port || 6379),
        cause: (err as { code?: string }).code ?? null,
      },
      { cause: err },
    );
  }
  return redis;
}
