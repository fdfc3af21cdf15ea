// The lease holder over people's services: holding an account's lease means watching it
// (IDLE on the Inbox and a timer for the rest, main/core/sync/watch.ts) in its owner's
// service on this instance.
import { getLogger } from '../../core/platform/log.js';
import type { LeaseHolder } from './leases.js';
import type { PersonServices } from './types.js';

const log = getLogger('leases');

export function serviceHolder(services: PersonServices): LeaseHolder {
  return {
    take: async (ref) => {
      const service = await services.get(ref.owner);
      await service.watchAccount(await service.account(ref.accountId));
    },
    drop: async (ref) => {
      await (await services.get(ref.owner)).unwatch(ref.accountId);
    },
    kick: (ref) => {
      services.get(ref.owner).then(
        (service) => service.nudge(),
        (err: unknown) => log.warn({ err, accountId: ref.accountId }, 'kick not delivered'),
      );
    },
  };
}
