// What the work on Redis needs from the rest of the server, as interfaces: the accounts of
// every person (the database's directory) and each person's service. The server wires them
// to the Postgres store of many people; tests may give any real implementation.
import type { Account } from '../../../common/types.js';
import type { Owner } from '../../core/people/index.js';
import type { MaildockService } from '../../core/service.js';

export type { Owner };

/** One mail account and the person it belongs to. */
export interface AccountRef {
  accountId: number;
  owner: Owner;
}

/** Every account of every person (the database's `people.directory`): what the instances share out. */
export interface AccountDirectory {
  all(): Promise<AccountRef[]>;
  /** The ids of one person's accounts. */
  ofOwner(owner: Owner): Promise<number[]>;
}

/** The parts of a person's service that the work uses. */
export type PersonService = Pick<
  MaildockService,
  | 'account'
  | 'watchAccount'
  | 'unwatch'
  | 'kick'
  | 'nudge'
  | 'invoke'
  | 'on'
  | 'accountSync'
  | 'sending'
> & { syncStates: Pick<MaildockService['syncStates'], 'list'> };

/**
 * Each person's service, opened on first use and closed when idle (core/people's
 * PersonServices): work runs in use(); what lasts (a watched account) holds it.
 */
export interface PersonServices {
  get(owner: Owner): Promise<PersonService>;
  use<T>(owner: Owner, fn: (service: PersonService) => Promise<T>): Promise<T>;
  hold(owner: Owner): Promise<{ service: PersonService; release(): void }>;
  /** Told of each service closed for being idle. */
  onClosed?(fn: (owner: Owner, service: PersonService) => void): void;
}

export type { Account };

export const refKey = (ref: AccountRef): string =>
  `${ref.owner.tenantId}:${ref.owner.userId}:${ref.accountId}`;
