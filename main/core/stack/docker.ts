// The connection to the Docker engine, and what its failures mean to a user: not installed,
// not running, or not ours to use. Each error carries a hint saying what to do.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import Docker from 'dockerode';
import { MaildockError } from '../../../common/errors.js';

export interface DockerOptions {
  /** The engine's socket; default DOCKER_HOST's, else /var/run/docker.sock. */
  socketPath?: string;
}

/** Where the app finds the Docker engine and the stack's compose file. */
export interface StackOptions {
  docker?: DockerOptions;
  composeFile?: string;
}

function onPath(cmd: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function defaultSocket(): string {
  const host = process.env['DOCKER_HOST'];
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

/** A failure to reach the engine as the error a user can act on. */
export function dockerError(err: unknown, socketPath: string): MaildockError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM')
    return new MaildockError(
      'DOCKER_PERMISSION',
      `Maildock may not use the Docker socket ${socketPath}.`,
      {
        socket: socketPath,
        hint: 'Add your user to the docker group (sudo usermod -aG docker $USER), then log in again.',
      },
    );
  if (code === 'ENOENT' || code === 'ECONNREFUSED') {
    const installed = onPath('dockerd') || onPath('docker');
    return installed
      ? new MaildockError(
          'DOCKER_NOT_RUNNING',
          `Docker is not running: nothing answers on ${socketPath}.`,
          {
            socket: socketPath,
            hint: 'Start it: sudo systemctl start docker (or open Docker Desktop).',
          },
        )
      : new MaildockError('DOCKER_NOT_INSTALLED', 'Docker is not installed.', {
          socket: socketPath,
          hint: 'Install it: sudo apt install docker.io (or Docker Desktop), then start it.',
        });
  }
  if (err instanceof MaildockError) return err;
  return new MaildockError(
    'DOCKER_NOT_RUNNING',
    `Docker did not answer: ${(err as Error)?.message ?? err}`,
    {
      socket: socketPath,
      hint: 'Check that the Docker engine runs: docker info.',
    },
  );
}

/** A client for the engine, checked with a ping so every later call can assume it answers. */
export async function connectDocker(opts: DockerOptions = {}): Promise<Docker> {
  const socketPath = opts.socketPath ?? defaultSocket();
  const docker = new Docker({ socketPath, timeout: 0 });
  try {
    await withTimeout(docker.ping(), 10_000, socketPath);
  } catch (err) {
    throw dockerError(err, socketPath);
  }
  return docker;
}

async function withTimeout<T>(p: Promise<T>, ms: number, socketPath: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new MaildockError(
                'DOCKER_NOT_RUNNING',
                `Docker did not answer on ${socketPath} within ${ms / 1000} s.`,
                { socket: socketPath, hint: 'Check that the Docker engine runs: docker info.' },
              ),
            ),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Docker's 404, which dockerode reports as an error with statusCode. */
export function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number } | undefined)?.statusCode === 404;
}

/** Docker's 304: already started, already stopped. */
export function isNotModified(err: unknown): boolean {
  return (err as { statusCode?: number } | undefined)?.statusCode === 304;
}

/** Starts a container; one already running is no error. */
export async function startContainer(container: Docker.Container): Promise<void> {
  try {
    await container.start();
  } catch (err) {
    if (!isNotModified(err)) throw err;
  }
}

/** Stops a container; one already stopped, or gone, is no error. */
export async function stopContainer(container: Docker.Container): Promise<void> {
  try {
    await container.stop({ t: 10 });
  } catch (err) {
    if (!isNotModified(err) && !isNotFound(err)) throw err;
  }
}
