// The repositories a store hands out outside a transaction, held as its own fields the same
// way by both engines: each engine makes them, this keeps them.
import type {
  AccountRepository,
  BodyRepository,
  ContactRepository,
  DraftRepository,
  ImportKeyRepository,
  MailboxRepository,
  MessageRepository,
  OperationRepository,
  OutboxRepository,
  Repositories,
  SearchRepository,
  SettingsRepository,
  ThreadRepository,
} from './repositories.js';

export abstract class HeldRepositories implements Repositories {
  readonly accounts: AccountRepository;
  readonly mailboxes: MailboxRepository;
  readonly messages: MessageRepository;
  readonly bodies: BodyRepository;
  readonly threads: ThreadRepository;
  readonly contacts: ContactRepository;
  readonly search: SearchRepository;
  readonly outbox: OutboxRepository;
  readonly drafts: DraftRepository;
  readonly operations: OperationRepository;
  readonly settings: SettingsRepository;
  readonly imports: ImportKeyRepository;

  protected constructor(outside: Repositories) {
    this.accounts = outside.accounts;
    this.mailboxes = outside.mailboxes;
    this.messages = outside.messages;
    this.bodies = outside.bodies;
    this.threads = outside.threads;
    this.contacts = outside.contacts;
    this.search = outside.search;
    this.outbox = outside.outbox;
    this.drafts = outside.drafts;
    this.operations = outside.operations;
    this.settings = outside.settings;
    this.imports = outside.imports;
  }
}
