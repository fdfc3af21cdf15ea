// The bundled stack's data, taken out for a backup and put back by a restore, through
// Docker only (the engine may be remote to the files; no host tool is needed):
//
//   postgres.dump            pg_dump -Fc of the `maildock` database, run in its container
//   redis.rdb                BGSAVE, then the dump file it wrote
//   volumes/<volume>.tar     every other volume (Dovecot's mail, TLS, Postfix's queue) as
//                            Docker's own archive of it: owners and modes kept
//
// Putting a volume back goes through a helper container of the service's own image with
// no network and only that volume mounted: emptied, then the archive extracted into it.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import { Header, Parser, type ReadEntry } from 'tar';
import { MaildockError } from '../../../common/errors.js';
import { execCapture } from './exec.js';
import { LABEL } from './plan.js';

/** The data folder's place for the stack's part of a restored backup, until it is put back. */
export const STACK_PENDING = 'stack-restore';
export const PG_DUMP = 'postgres.dump';
export const REDIS_RDB = 'redis.rdb';
/** Volumes whose service dumps them itself; every other volume goes as an archive. */
export const DUMPED_VOLUMES: Record<string, string> = {
  'postgres-data': PG_DUMP,
  'redis-data': REDIS_RDB,
};
export const volumeFile = (key: string) => `volumes/${key}.tar`;

const DATABASE = 'maildock';
const REDIS_DIR = '/data';
/** Redis runs with appendonly: a restored snapshot becomes the base of a fresh AOF. */
const AOF_DIR = 'appendonlydir';
const AOF_BASE = 'appendonly.aof.1.base.rdb';
const AOF_MANIFEST = 'appendonly.aof.manifest';

function failed(service: string, what: string, r: { stderr: string; stdout: string }): never {
  const detail = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ');
  throw new MaildockError('STACK_UNHEALTHY', `${what} failed in ${service}: ${detail}`, {
    service,
  });
}

async function run(
  container: Docker.Container,
  service: string,
  what: string,
  cmd: string[],
): Promise<string> {
  const r = await execCapture(container, cmd);
  if (r.exitCode !== 0) failed(service, what, r);
  return r.stdout;
}

/** Writes the one file of a Docker archive (GET …/archive of a file) to `to`. */
async function extractOne(archive: NodeJS.ReadableStream, to: string): Promise<void> {
  let wrote: Promise<void> | null = null;
  const parser = new Parser({ strict: true });
  parser.on('entry', (entry: ReadEntry) => {
    if (wrote || entry.type !== 'File') {
      entry.resume();
      return;
    }
    wrote = pipeline(entry, createWriteStream(to, { mode: 0o600 }));
  });
  await pipeline(archive, parser);
  if (!wrote)
    throw new MaildockError('STACK_UNHEALTHY', `Docker sent no file for ${basename(to)}.`);
  await wrote;
}

/** A tar of files given as [name in the archive, file or bytes, owner], for PUT …/archive. */
async function* tarOf(
  entries: { name: string; file?: string; data?: Buffer; uid?: number; gid?: number }[],
): AsyncGenerator<Buffer> {
  const mtime = new Date();
  for (const e of entries) {
    const size = e.data ? e.data.length : (await stat(e.file!)).size;
    const block = Buffer.alloc(512);
    new Header({
      path: e.name,
      size,
      mode: 0o600,
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime,
      type: 'File',
    }).encode(block, 0);
    yield block;
    if (e.data) yield e.data;
    else for await (const chunk of createReadStream(e.file!)) yield chunk as Buffer;
    yield Buffer.alloc((512 - (size % 512)) % 512);
  }
  yield Buffer.alloc(1024);
}

/** A Postgres client tool on the container's own socket, at the port the server listens on. */
const pgTool = (tool: string, ...args: string[]) => [
  'sh',
  '-c',
  'exec "$0" --host=/run/postgresql --port="${PG_PORT:-5432}" --username=maildock "$@"',
  tool,
  ...args,
];

const scratch = () => `/tmp/maildock-backup-${randomBytes(6).toString('hex')}`;

/** pg_dump in the running Postgres container, custom format, into `to`. */
export async function dumpPostgres(container: Docker.Container, to: string): Promise<void> {
  const tmp = `${scratch()}.dump`;
  try {
    await run(
      container,
      'postgres',
      'pg_dump',
      pgTool('pg_dump', '--format=custom', `--file=${tmp}`, DATABASE),
    );
    await extractOne(await container.getArchive({ path: tmp }), to);
  } finally {
    await execCapture(container, ['rm', '-f', tmp]).catch(() => undefined);
  }
}

/** The running Redis asked for a snapshot (BGSAVE), waited for, and its dump file copied to `to`. */
export async function dumpRedis(container: Docker.Container, to: string): Promise<void> {
  // One script in the container: the password stays in it (read from its secret file), and
  // a snapshot already being written is waited for, then a new one started.
  const script = `set -eu
host=\${LISTEN:-0.0.0.0}
case $host in 0.0.0.0|'*'|::) host=127.0.0.1;; esac
REDISCLI_AUTH=$(cat /run/maildock/password); export REDISCLI_AUTH
cli() { redis-cli --no-auth-warning -h "$host" -p "\${REDIS_PORT:-6379}" "$@"; }
field() { cli INFO persistence | tr -d '\\r' | sed -n "s/^$1://p"; }
before=$(field rdb_saves)
reply=$(cli BGSAVE SCHEDULE)
case $reply in *started*|*scheduled*) ;; *) echo "$reply" >&2; exit 1;; esac
i=0
until [ "$(field rdb_saves)" -gt "$before" ] && [ "$(field rdb_bgsave_in_progress)" = 0 ]; do
  i=$((i+1)); [ $i -lt 6000 ] || { echo 'the snapshot took over 10 minutes' >&2; exit 1; }
  sleep 0.1
done
[ "$(field rdb_last_bgsave_status)" = ok ] || { echo 'the snapshot failed' >&2; exit 1; }
echo "$(cli CONFIG GET dir | sed -n 2p)/$(cli CONFIG GET dbfilename | sed -n 2p)"`;
  const file = (await run(container, 'redis', 'BGSAVE', ['sh', '-c', script])).trim();
  await extractOne(await container.getArchive({ path: file }), to);
}

/** A volume as Docker archives it, from the container that mounts it at `path`. */
export async function archiveVolume(
  container: Docker.Container,
  path: string,
  to: string,
): Promise<void> {
  await pipeline(await container.getArchive({ path }), createWriteStream(to, { mode: 0o600 }));
}

/** A throwaway container of `image` with no network, only `mounts`, doing nothing until removed. */
async function helper(
  docker: Docker,
  image: string,
  project: string,
  mounts: { Source: string; Target: string }[],
): Promise<Docker.Container> {
  const c = await docker.createContainer({
    Image: image,
    Entrypoint: ['sleep', 'infinity'],
    Cmd: [],
    User: 'root',
    Labels: { [LABEL.project]: project, [LABEL.maildock]: '1', [HELPER_LABEL]: 'backup' },
    HostConfig: {
      NetworkMode: 'none',
      Mounts: mounts.map((m) => ({ Type: 'volume' as const, ...m })),
    },
  });
  await c.start();
  return c;
}

const HELPER_LABEL = 'dev.maildock.helper';

/** Helper containers a killed backup or restore left behind (they would hold their volumes). */
export async function removeHelpers(docker: Docker, project: string): Promise<number> {
  const left = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL.project}=${project}`, `${HELPER_LABEL}=backup`] },
  });
  for (const c of left) await removeHelper(docker.getContainer(c.Id));
  return left.length;
}

async function removeHelper(c: Docker.Container): Promise<void> {
  await c.remove({ force: true }).catch(() => undefined);
}

/**
 * Lists a Postgres dump with the stack's own pg_restore (in a throwaway container of the
 * postgres image): null when it lists, else what is wrong.
 */
export async function listPostgresDump(
  docker: Docker,
  image: string,
  project: string,
  file: string,
): Promise<string | null> {
  const c = await helper(docker, image, project, []);
  try {
    const tmp = scratch();
    await c.putArchive(Readable.from(tarOf([{ name: basename(tmp), file }])), {
      path: dirname(tmp),
    });
    const r = await execCapture(c, ['pg_restore', '--list', tmp]);
    if (r.exitCode === 0) return null;
    const detail = (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ');
    return `The Postgres dump does not list with pg_restore: ${detail || 'no output'}.`;
  } finally {
    await removeHelper(c);
  }
}

/** Empties a volume and extracts Docker's archive of it back (the archive's top folder is the mount's name). */
export async function restoreVolume(
  docker: Docker,
  opts: { image: string; project: string; volume: string; path: string; archive: string },
): Promise<void> {
  const c = await helper(docker, opts.image, opts.project, [
    { Source: opts.volume, Target: opts.path },
  ]);
  try {
    await run(c, opts.volume, 'emptying the volume', [
      'find',
      opts.path,
      '-mindepth',
      '1',
      '-delete',
    ]);
    await c.putArchive(createReadStream(opts.archive), { path: dirname(opts.path) });
  } finally {
    await removeHelper(c);
  }
}

/** Redis's volume emptied and the snapshot made the base of its append-only file. */
export async function restoreRedis(
  docker: Docker,
  opts: { image: string; project: string; volume: string; rdb: string },
): Promise<void> {
  const c = await helper(docker, opts.image, opts.project, [
    { Source: opts.volume, Target: REDIS_DIR },
  ]);
  try {
    await run(c, 'redis', 'emptying the volume', ['find', REDIS_DIR, '-mindepth', '1', '-delete']);
    const ids = (await run(c, 'redis', 'id', ['sh', '-c', 'id -u redis; id -g redis']))
      .trim()
      .split('\n')
      .map(Number);
    const [uid, gid] = ids as [number, number];
    await c.putArchive(
      Readable.from(
        tarOf([
          { name: `${AOF_DIR}/${AOF_BASE}`, file: opts.rdb, uid, gid },
          {
            name: `${AOF_DIR}/${AOF_MANIFEST}`,
            data: Buffer.from(`file ${AOF_BASE} seq 1 type b\n`),
            uid,
            gid,
          },
        ]),
      ),
      { path: REDIS_DIR },
    );
    await run(c, 'redis', 'chown', ['chown', '-R', 'redis:redis', REDIS_DIR]);
  } finally {
    await removeHelper(c);
  }
}

/** The database made anew from the dump, in the running Postgres container. */
export async function restorePostgres(container: Docker.Container, file: string): Promise<void> {
  const tmp = `${scratch()}.dump`;
  await container.putArchive(Readable.from(tarOf([{ name: basename(tmp), file }])), {
    path: dirname(tmp),
  });
  try {
    // dropdb and createdb connect to the `postgres` database, pg_restore to the new one.
    await run(
      container,
      'postgres',
      'dropdb',
      pgTool('dropdb', '--force', '--if-exists', DATABASE),
    );
    await run(container, 'postgres', 'createdb', pgTool('createdb', '--owner=maildock', DATABASE));
    await run(
      container,
      'postgres',
      'pg_restore',
      pgTool('pg_restore', '--exit-on-error', '--no-owner', `--dbname=${DATABASE}`, tmp),
    );
  } finally {
    await execCapture(container, ['rm', '-f', tmp]).catch(() => undefined);
  }
}
