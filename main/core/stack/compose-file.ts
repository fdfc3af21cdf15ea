// stack/compose.yml read the way `docker compose` reads it: YAML, then `${VAR}` interpolation
// from an environment, then the subset of the Compose format the stack uses, checked. A key
// the controller would not apply is an error here, so the file and the app cannot drift.
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { MaildockError } from '../../../common/errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

const VAR = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Compose's interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}. */
export function interpolate(text: string, env: Env): string {
  return text.replace(
    VAR,
    (_m, dollar?: string, name?: string, op?: string, arg?: string, bare?: string) => {
      if (dollar) return '$';
      const key = (name ?? bare)!;
      const value = env[key];
      switch (op) {
        case ':-':
          return value ? value : arg!;
        case '-':
          return value ?? arg!;
        case ':?':
        case '?':
          if (op === ':?' ? !value : value === undefined)
            throw new MaildockError(
              'INVALID_INPUT',
              `compose.yml needs ${key}: ${arg || 'not set'}`,
            );
          return value!;
        default:
          return value ?? '';
      }
    },
  );
}

function interpolateDeep(node: unknown, env: Env): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((n) => interpolateDeep(n, env));
  if (node && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateDeep(v, env)]));
  return node;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const envSchema = z
  .union([
    z.record(z.string(), scalar.nullable()),
    z.array(z.string().regex(/^[^=]+=/, 'KEY=value')),
  ])
  .transform((e) =>
    Array.isArray(e)
      ? Object.fromEntries(
          e.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
        )
      : Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v ?? ''])),
  );

const duration = z
  .string()
  .regex(/^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/, 'a duration such as 2s or 1m30s');

const serviceSchema = z
  .strictObject({
    image: z.string().min(1),
    /** Compose profiles: a service that names some runs only when one of them is on. */
    profiles: z.array(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/)).default([]),
    build: z
      .union([
        z.string(),
        z.strictObject({
          context: z.string(),
          dockerfile: z.string().optional(),
          args: z.record(z.string(), scalar).optional(),
        }),
      ])
      .optional(),
    restart: z.enum(['no', 'always', 'on-failure', 'unless-stopped']).default('no'),
    environment: envSchema.default({}),
    ports: z.array(z.string()).default([]),
    volumes: z.array(z.string()).default([]),
    healthcheck: z
      .strictObject({
        test: z.array(z.string()).min(1),
        interval: duration.optional(),
        timeout: duration.optional(),
        retries: z.number().int().positive().optional(),
        start_period: duration.optional(),
      })
      .optional(),
    depends_on: z
      .union([
        z.array(z.string()),
        z.record(
          z.string(),
          z.strictObject({
            condition: z.enum(['service_started', 'service_healthy']).default('service_started'),
          }),
        ),
      ])
      .optional(),
    stop_grace_period: duration.optional(),
    stop_signal: z.string().optional(),
    'x-maildock-host': z.strictObject({ environment: envSchema.default({}) }).optional(),
  })
  .transform(({ 'x-maildock-host': host, depends_on, ...s }) => ({
    ...s,
    hostEnvironment: host?.environment ?? {},
    dependsOn: Array.isArray(depends_on)
      ? Object.fromEntries(depends_on.map((d) => [d, 'service_started' as const]))
      : Object.fromEntries(Object.entries(depends_on ?? {}).map(([d, c]) => [d, c.condition])),
  }));

const fileSchema = z
  .object({
    name: z.string().optional(),
    services: z.record(z.string(), serviceSchema),
    volumes: z.record(z.string(), z.union([z.null(), z.strictObject({})])).default({}),
  })
  .catchall(z.unknown())
  .superRefine((f, ctx) => {
    for (const key of Object.keys(f))
      if (!['name', 'services', 'volumes'].includes(key) && !key.startsWith('x-'))
        ctx.addIssue({
          code: 'custom',
          message: `top-level key ${key} is not applied by Maildock`,
        });
  });

export type ComposeService = z.output<typeof serviceSchema>;

export interface PortMapping {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
}

export interface Mount {
  type: 'volume' | 'bind';
  /** The volume's name in compose.yml, or an absolute host path. */
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ComposeFile {
  path: string;
  dir: string;
  services: Record<string, ComposeService>;
  volumes: string[];
}

export function parsePort(spec: string): PortMapping {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d+):(\d+)(?:\/(tcp|udp))?$/.exec(spec);
  if (!m)
    throw new MaildockError(
      'INVALID_INPUT',
      `compose.yml: port "${spec}" is not IP:HOST:CONTAINER`,
    );
  return {
    hostIp: m[1] ?? '0.0.0.0',
    hostPort: Number(m[2]),
    containerPort: Number(m[3]),
    protocol: (m[4] as 'tcp' | 'udp' | undefined) ?? 'tcp',
  };
}

export function parseMount(spec: string, dir: string): Mount {
  const parts = spec.split(':');
  const [source, target, mode] = parts;
  if (
    parts.length < 2 ||
    parts.length > 3 ||
    !source ||
    !target?.startsWith('/') ||
    (mode && !['ro', 'rw'].includes(mode))
  )
    throw new MaildockError(
      'INVALID_INPUT',
      `compose.yml: volume "${spec}" is not SOURCE:/TARGET[:ro]`,
    );
  const bind = source.startsWith('/') || source.startsWith('.');
  return {
    type: bind ? 'bind' : 'volume',
    source: bind ? resolve(dir, source) : source,
    target,
    readOnly: mode === 'ro',
  };
}

/** Nanoseconds, as the Docker API wants healthcheck durations. */
export function durationNs(text: string): number {
  const unit: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g))
    total += Number(m[1]) * unit[m[2]!]!;
  return Math.round(total);
}

export function loadCompose(path: string, env: Env): ComposeFile {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    // The parser's text names the file by its full path on this machine: only its name here.
    const code = (err as NodeJS.ErrnoException).code;
    throw new MaildockError(
      'INVALID_INPUT',
      `The stack definition ${basename(path)} could not be read${code ? ` (${code})` : `: ${(err as Error).message}`}.`,
    );
  }
  const parsed = fileSchema.safeParse(interpolateDeep(raw, env));
  if (!parsed.success)
    throw new MaildockError(
      'INVALID_INPUT',
      `${basename(path)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const dir = dirname(path);
  for (const [name, s] of Object.entries(parsed.data.services)) {
    for (const dep of Object.keys(s.dependsOn))
      if (!parsed.data.services[dep])
        throw new MaildockError(
          'INVALID_INPUT',
          `${basename(path)}: ${name} depends on unknown service ${dep}`,
        );
    s.ports.forEach(parsePort);
    s.volumes.forEach((v) => {
      const m = parseMount(v, dir);
      if (m.type === 'volume' && !(m.source in parsed.data.volumes))
        throw new MaildockError(
          'INVALID_INPUT',
          `${basename(path)}: ${name} mounts undeclared volume ${m.source}`,
        );
    });
  }
  return { path, dir, services: parsed.data.services, volumes: Object.keys(parsed.data.volumes) };
}

/** Services in an order where each comes after what it depends on. */
export function startOrder(services: Record<string, ComposeService>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, chain: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting')
      throw new MaildockError(
        'INVALID_INPUT',
        `compose.yml: a dependency cycle: ${[...chain, name].join(' → ')}`,
      );
    state.set(name, 'visiting');
    for (const dep of Object.keys(services[name]!.dependsOn).sort()) visit(dep, [...chain, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of Object.keys(services).sort()) visit(name, []);
  return order;
}
