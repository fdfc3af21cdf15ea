#!/usr/bin/env node
// `maildock`: the command line over the core service. Every command goes through
// service.invoke with the contract's schemas; nothing here touches the store or IMAP.
// Each command area lives in its own file; the order below is the order of `--help`.
import { Command } from 'commander';
import { pathToFileURL } from 'node:url';
import { toErrorData } from '../../common/errors.js';
import { addAccountCommands } from './account.js';
import { addActionCommands } from './actions.js';
import { addAdminCommands } from './admin.js';
import { addBackupCommands } from './backup.js';
import { addDoctorCommand } from './doctor.js';
import { addDraftCommands } from './draft.js';
import { addIdentityCommands } from './identity.js';
import { addMailboxCommands } from './mailbox.js';
import { addAttachmentAndSearchCommands, addMessageCommands } from './message.js';
import { addOutboxCommands } from './outbox.js';
import { printError, stdio } from './output.js';
import { CliFailure } from './run.js';
import { addServeCommand } from './serve.js';
import { addStackCommands } from './stack.js';
import { addSyncCommand } from './sync.js';
import { addTransferCommands } from './transfer.js';

export function buildProgram(): Command {
  const program = new Command('maildock')
    .description('Maildock: your mail, offline, searchable, with its own local mail stack.')
    .option('--data-dir <dir>', 'where Maildock keeps its data (env MAILDOCK_DATA_DIR)')
    .option(
      '--database <url>',
      'keep the mail store in Postgres: postgres://user@host:port/db (env MAILDOCK_DATABASE_URL); else SQLite in the data folder',
    )
    .option('--json', 'machine-readable output')
    .option('-v, --verbose', 'show logs on the terminal')
    .showHelpAfterError();

  addAccountCommands(program);
  addIdentityCommands(program);
  addSyncCommand(program);
  addMailboxCommands(program);
  const message = addMessageCommands(program);
  addActionCommands(program, message);
  addAttachmentAndSearchCommands(program);
  addOutboxCommands(program);
  addDraftCommands(program);
  addTransferCommands(program);
  addDoctorCommand(program);
  addStackCommands(program);
  addBackupCommands(program);
  addServeCommand(program);
  addAdminCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (
      code === 'commander.helpDisplayed' ||
      code === 'commander.version' ||
      code === 'commander.help'
    )
      return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2;
    const json = argv.includes('--json');
    printError(stdio(json), err instanceof CliFailure ? err.error : toErrorData(err));
    return 1;
  }
}

const isEntry = import.meta.url === pathToFileURL(process.argv[1] ?? '').href;
if (isEntry) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
