// What every command shares: the service opened on the data directory, contract calls whose
// errors end the command, output as text or JSON, numbers and secrets from the command line.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import type { MethodName, MethodOutput } from '../../common/api.js';
import { MaildockError, type ErrorData } from '../../common/errors.js';
import { closeLogging, initLogging } from '../core/platform/log.js';
import { defaultDataDir } from '../core/platform/paths.js';
import { MaildockService, type ServiceOptions } from '../core/service.js';
import { printJson, stdio, type Out } from './output.js';

export class CliFailure extends Error {
  constructor(readonly error: ErrorData) {
    super(error.message);
  }
}

export interface Globals {
  dataDir?: string;
  database?: string;
  json?: boolean;
  verbose?: boolean;
}

export const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number.`);
  return n;
};

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new MaildockError(
      'INVALID_INPUT',
      'Pipe the password in, e.g. `printf %s "$PASS" | maildock account add …`.',
    );
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export const dataDirOf = (cmd: Command): string =>
  cmd.optsWithGlobals<Globals>().dataDir ?? defaultDataDir();

/**
 * The command's output and data folder, with its log started: in DATA_DIR/logs, at the
 * server's LOG_LEVEL when given, else MAILDOCK_LOG_LEVEL, else by --verbose.
 */
export async function startLogging(
  cmd: Command,
  logLevel?: string,
): Promise<{ out: Out; dataDir: string }> {
  const g = cmd.optsWithGlobals<Globals>();
  const dataDir = dataDirOf(cmd);
  await initLogging({
    dir: join(dataDir, 'logs'),
    level: logLevel ?? process.env.MAILDOCK_LOG_LEVEL ?? (g.verbose ? 'debug' : 'info'),
    pretty: !!g.verbose,
  });
  return { out: stdio(!!g.json), dataDir };
}

/**
 * Opens the service for `fn` and closes it after. `options.database` and `logLevel` (from
 * the server's configuration) win over --database, MAILDOCK_DATABASE_URL and --verbose.
 */
export async function withService<T>(
  cmd: Command,
  fn: (svc: MaildockService, out: Out) => Promise<T>,
  options: Omit<ServiceOptions, 'dataDir'> = {},
  logLevel?: string,
): Promise<void> {
  const g = cmd.optsWithGlobals<Globals>();
  const { out, dataDir } = await startLogging(cmd, logLevel);
  const database = options.database ?? g.database ?? process.env.MAILDOCK_DATABASE_URL;
  const svc = await MaildockService.open({
    ...options,
    dataDir,
    ...(database ? { database } : {}),
    ...(process.env.MAILDOCK_SECRET_KEY ? { secretKey: process.env.MAILDOCK_SECRET_KEY } : {}),
    ...(process.env.MAILDOCK_SECRETS ? { secretsBackend: process.env.MAILDOCK_SECRETS } : {}),
  });
  try {
    await fn(svc, out);
  } finally {
    await svc.close();
    await closeLogging();
  }
}

export async function call<M extends MethodName>(
  svc: MaildockService,
  method: M,
  input: unknown,
): Promise<MethodOutput<M>> {
  const r = await svc.invoke(method, input);
  if (!r.ok) throw new CliFailure(r.error);
  return r.value;
}

export function show<T>(out: Out, value: T, text: (v: T) => string): void {
  if (out.json) printJson(out, value);
  else out.write(text(value));
}

export const lines = <T>(items: T[], line: (t: T) => string, empty: string) =>
  items.length ? items.map(line).join('\n') + '\n' : `${empty}\n`;

/** The account meant: the one given, else the only one there is. */
export async function accountOf(svc: MaildockService, given: number | undefined): Promise<number> {
  const accounts = await call(svc, 'account.list', {});
  if (given !== undefined) {
    if (!accounts.some((a) => a.id === given))
      throw new MaildockError('NOT_FOUND', `There is no account ${given}.`, { accountId: given });
    return given;
  }
  if (!accounts[0])
    throw new MaildockError(
      'NOT_FOUND',
      'There is no account yet: add one with `maildock account add`.',
    );
  if (accounts.length > 1)
    throw new MaildockError(
      'INVALID_INPUT',
      `There are ${accounts.length} accounts: say which with --account ID (see \`maildock account list\`).`,
      { accounts: accounts.length },
    );
  return accounts[0].id;
}
