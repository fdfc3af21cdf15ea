// The lease holder over people's services: holding an account's lease means watching it
// (IDLE on the Inbox and a timer for the rest, main/core/sync/watch.ts) in its owner's
// service on this instance.
import { getLogger } from '../../core/platform/log.js';
import type { LeaseHolder } from './leases.js';
import { refKey, type PersonServices } from './types.js';

const log = getLogger('leases');

export function serviceHolder(services: PersonServices): LeaseHolder {
  // Each watched account holds its owner's service open (PersonServices closes idle ones).
  const holds = new Map<string, () => void>();
  return {
    take: async (ref) => {
      const { service, release } = await services.hold(ref.owner);
      try {
        await service.watchAccount(await service.account(ref.accountId));
      } catch (err) {
        release();
        throw err;
      }
      holds.get(refKey(ref))?.();
      holds.set(refKey(ref), release);
    },
    drop: async (ref) => {
      const release = holds.get(refKey(ref));
      holds.delete(refKey(ref));
      try {
        await (await services.get(ref.owner)).unwatch(ref.accountId);
      } finally {
        release?.();
      }
    },
    kick: (ref) => {
      services.get(ref.owner).then(
        (service) => service.nudge(),
        (err: unknown) => log.warn({ err, accountId: ref.accountId }, 'kick not delivered'),
      );
    },
  };
}
