// The stack's images, built from stack/ with progress. Their tag is a hash of what they are
// built from, so a warm `up` builds nothing and a changed Dockerfile gets a new image.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type Docker from 'dockerode';
import { MaildockError } from '../../../common/errors.js';
import { isNotFound } from './docker.js';
import { LABEL } from './plan.js';

function files(dir: string, root = dir, ignored = dockerignore(root)): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !(dir === root && ignored.has(e.name)))
    .flatMap((e) =>
      e.isDirectory()
        ? files(join(dir, e.name), root, ignored)
        : [relative(root, join(dir, e.name))],
    )
    .sort();
}

/** .dockerignore as exact top-level names (all stack/ needs): kept out of context and tag. */
function dockerignore(root: string): Set<string> {
  try {
    return new Set(
      readFileSync(join(root, '.dockerignore'), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#')),
    );
  } catch {
    return new Set();
  }
}

/** One tag for the stack's images: 12 hex digits of every build file's path, mode and bytes. */
export function contextTag(contexts: string[]): string {
  const h = createHash('sha256');
  for (const dir of [...new Set(contexts)].sort())
    for (const f of files(dir)) {
      const full = join(dir, f);
      h.update(`${relative(join(dir, '..'), full)}\0${statSync(full).mode & 0o111 ? 'x' : '-'}\0`);
      h.update(readFileSync(full));
      h.update('\0');
    }
  return h.digest('hex').slice(0, 12);
}

export async function imageExists(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

interface BuildEvent {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

export interface BuildOptions {
  image: string;
  context: string;
  dockerfile: string;
  /** Build arguments (the Dockerfile's ARG values). */
  args?: Record<string, string>;
  /** 'host' where the engine has no bridge network (as on this project's CI). */
  networkMode?: string;
  noCache?: boolean;
  onStep?: (step: string) => void;
}

/** Builds one image; a failure names the step that failed and ends with its output. */
export async function buildImage(docker: Docker, opts: BuildOptions): Promise<void> {
  const stream = await docker.buildImage(
    { context: opts.context, src: files(opts.context) },
    {
      t: opts.image,
      dockerfile: opts.dockerfile,
      rm: true,
      forcerm: true,
      // So that the controller can tell its own older builds from other images.
      labels: { 'io.maildock.stack': '1' },
      ...(opts.args && Object.keys(opts.args).length ? { buildargs: opts.args } : {}),
      ...(opts.networkMode ? { networkmode: opts.networkMode } : {}),
      ...(opts.noCache ? { nocache: true } : {}),
    },
  );
  const output: string[] = [];
  let step = '';
  let failure: string | null = null;
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(
      stream,
      (err) => (err ? reject(err) : resolve()),
      (e: BuildEvent) => {
        if (e.error || e.errorDetail) failure = e.errorDetail?.message ?? e.error ?? 'build failed';
        for (const line of (e.stream ?? '').split('\n')) {
          if (!line.trim()) continue;
          if (/^Step \d+\/\d+ :/.test(line)) {
            step = line.trim();
            output.length = 0;
            opts.onStep?.(step);
          } else {
            output.push(line);
            if (output.length > 40) output.shift();
          }
        }
      },
    ),
  ).catch((err: Error) => {
    failure ??= err.message;
  });
  if (failure)
    throw new MaildockError(
      'STACK_BUILD_FAILED',
      `Building ${opts.image} failed at ${step || 'the start'}: ${failure}`,
      {
        image: opts.image,
        step,
        output: output.slice(-20).join('\n'),
        hint: 'The output above is the failing step’s; fix the Dockerfile or the network, then run up again.',
      },
    );
}

/** Earlier builds of the stack's image (other tags, or untagged by a rebuild) that nothing uses any more. */
export async function pruneOlder(docker: Docker, image: string): Promise<void> {
  const repo = image.slice(0, image.lastIndexOf(':'));
  const current = await docker.getImage(image).inspect();
  const label = [`${LABEL.maildock}=1`];
  const older = [
    ...(await docker.listImages({ filters: { reference: [repo], label } })),
    ...(await docker.listImages({ filters: { dangling: ['true'], label } })),
  ];
  for (const old of older) {
    if (old.Id === current.Id) continue;
    // In use by a container, or a parent of another image: Docker refuses, and that is right.
    await docker
      .getImage(old.Id)
      .remove()
      .catch(() => undefined);
  }
}
