// The bundled stack's shapes: its settings, the state of each service, health rounds and
// progress. The tray and the stack panel show exactly these; no Docker type crosses over.
import { z } from 'zod';
import { hasNoControlCharacters, NO_CONTROL_CHARACTERS } from './text.js';

export const STACK_SERVICES = [
  'postgres',
  'redis',
  'dovecot',
  'postfix',
  'maildock-server',
  'nginx',
] as const;
export const stackServiceSchema = z.enum(STACK_SERVICES);
export type StackService = z.infer<typeof stackServiceSchema>;

/** Compose profiles the stack knows: `server` runs Maildock's server for many people behind nginx. */
export const STACK_PROFILES = ['server'] as const;
export const stackProfileSchema = z.enum(STACK_PROFILES);
export type StackProfile = z.infer<typeof stackProfileSchema>;

/** The services each profile adds; the others always run (compose.yml says the same). */
export const PROFILE_SERVICES: Record<StackProfile, readonly StackService[]> = {
  server: ['maildock-server', 'nginx'],
};

/** The services that run with these profiles on, in STACK_SERVICES' order. */
export function activeServices(profiles: readonly StackProfile[]): StackService[] {
  const optional = new Set(Object.values(PROFILE_SERVICES).flat());
  const on = new Set(profiles.flatMap((p) => PROFILE_SERVICES[p]));
  return STACK_SERVICES.filter((s) => !optional.has(s) || on.has(s));
}

const port = z.number().int().min(1).max(65535);

/** Host ports, by the names users of such stacks know them. lmtp/auth matter only with host networking. */
export const stackPortsSchema = z.strictObject({
  postgres: port.default(5433),
  redis: port.default(6379),
  smtp: port.default(1025),
  submission: port.default(1587),
  imap: port.default(1143),
  imaps: port.default(1993),
  pop3: port.default(1110),
  pop3s: port.default(1995),
  lmtp: port.default(10024),
  auth: port.default(10025),
  /** nginx (profile server): plain HTTP, which redirects, and HTTPS. */
  http: port.default(8080),
  https: port.default(8443),
  /** Host networking only: the first server instance's port; instance n listens on server + n − 1. */
  server: port.default(8600),
});
export type StackPorts = z.infer<typeof stackPortsSchema>;
export type StackPortName = keyof StackPorts;

const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(253)
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/,
    'a domain name such as maildock.localhost',
  );

/** A value written into Postfix's relay password map, one line per relay. */
const relayCredential = (max: number) =>
  z.string().min(1).max(max).refine(hasNoControlCharacters, NO_CONTROL_CHARACTERS);

const relayHostSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$/, 'a host name');

const serverInstancesSchema = z.number().int().min(1).max(16);
const tlsDirSchema = z
  .string()
  .max(4096)
  .regex(/^\/[^:\n\r\0]*$/, 'an absolute folder path without ":"');

export const stackSettingsSchema = z.strictObject({
  /** The compose project name: container, volume and network names start with it. */
  project: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _')
    .default('maildock'),
  /** bridge: a network of the stack's own, ports published on `bind`; host: services bind `bind` directly. */
  network: z.enum(['bridge', 'host']).default('bridge'),
  bind: z.ipv4().default('127.0.0.1'),
  domain: domainSchema.default('maildock.localhost'),
  ports: stackPortsSchema.default(stackPortsSchema.parse({})),
  /** Mail for the outside world goes through this host; none: such mail is refused. */
  relay: z
    .strictObject({
      host: relayHostSchema,
      port: port.default(587),
      user: relayCredential(320).optional(),
    })
    .nullable()
    .default(null),
  /** How often the health monitor probes every service. */
  healthIntervalMs: z.number().int().min(500).max(600_000).default(5000),
  /** Compose profiles that `up` runs besides the mail stack: none on a desktop. */
  profiles: z.array(stackProfileSchema).default([]),
  /** How many maildock-server containers run behind nginx (profile server). */
  serverInstances: serverInstancesSchema.default(1),
  /** A folder with the operator's certificate for nginx (fullchain.pem + privkey.pem); null: the stack's own. */
  tlsDir: tlsDirSchema.nullable().default(null),
});
export type StackSettings = z.infer<typeof stackSettingsSchema>;

/** Settings as given by a caller: every field optional, ports one by one. */
export const stackSettingsPatchSchema = z.strictObject({
  project: stackSettingsSchema.shape.project.unwrap().optional(),
  network: z.enum(['bridge', 'host']).optional(),
  bind: z.ipv4().optional(),
  domain: domainSchema.optional(),
  ports: z
    .strictObject(
      Object.fromEntries(
        Object.keys(stackPortsSchema.shape).map((k) => [k, port.optional()]),
      ) as Record<StackPortName, z.ZodOptional<typeof port>>,
    )
    .optional(),
  relay: z
    .strictObject({
      host: relayHostSchema,
      port: port.optional(),
      user: relayCredential(320).optional(),
      /** Stored with mode 0600 for Postfix; never returned. */
      password: relayCredential(4096).optional(),
    })
    .nullable()
    .optional(),
  healthIntervalMs: z.number().int().min(500).max(600_000).optional(),
  profiles: z.array(stackProfileSchema).optional(),
  serverInstances: serverInstancesSchema.optional(),
  tlsDir: tlsDirSchema.nullable().optional(),
});
export type StackSettingsPatch = z.infer<typeof stackSettingsPatchSchema>;

export const containerStateSchema = z.enum([
  'missing',
  'created',
  'running',
  'restarting',
  'paused',
  'exited',
  'dead',
  'removing',
]);

export const stackServiceStatusSchema = z.strictObject({
  service: stackServiceSchema,
  state: containerStateSchema,
  /** Docker's healthcheck: none before the container has one. */
  health: z.enum(['starting', 'healthy', 'unhealthy', 'none']),
  ports: z.array(z.strictObject({ name: z.string(), host: z.string(), port: z.number().int() })),
  startedAt: z.string().nullable(),
  uptimeSeconds: z.number().nullable(),
  restartCount: z.number().int(),
  image: z.string().nullable(),
  container: z.string().nullable(),
});
export type StackServiceStatus = z.infer<typeof stackServiceStatusSchema>;

export const stackStatusSchema = z.strictObject({
  project: z.string(),
  network: z.enum(['bridge', 'host']),
  services: z.array(stackServiceStatusSchema),
});
export type StackStatus = z.infer<typeof stackStatusSchema>;

/** healthy: all good. degraded: some services fail. down: none answers. stopped: the user stopped it. */
export const overallHealthSchema = z.enum(['healthy', 'degraded', 'down', 'stopped']);
export type OverallHealth = z.infer<typeof overallHealthSchema>;

export const probeResultSchema = z.strictObject({
  /** What was probed: "SELECT 1", "PING", "IMAP login+NOOP", "SMTP EHLO :1025", … */
  name: z.string(),
  ok: z.boolean(),
  latencyMs: z.number(),
  error: z.string().optional(),
});

/** The certificate a TLS front (nginx) serves, as a client received it. */
export const servedCertificateSchema = z.strictObject({
  subject: z.string(),
  issuer: z.string(),
  notAfter: z.string(),
  /** Whole days until it expires; negative once it has. */
  daysLeft: z.number().int(),
});
export type ServedCertificate = z.infer<typeof servedCertificateSchema>;

/** Fewer days left than this and the stack is degraded: time to renew. */
export const CERT_WARNING_DAYS = 14;

export const serviceHealthSchema = z.strictObject({
  service: stackServiceSchema,
  state: z.enum(['healthy', 'starting', 'unhealthy', 'stopped']),
  container: containerStateSchema,
  dockerHealth: z.enum(['starting', 'healthy', 'unhealthy', 'none']),
  /** The slowest probe of the round, ms; null when none ran. */
  latencyMs: z.number().nullable(),
  probes: z.array(probeResultSchema),
  /** One sentence naming what is wrong, for the tray and the panel. */
  problem: z.string().nullable(),
  /** nginx: the certificate it serves; degraded under CERT_WARNING_DAYS, unhealthy once expired. */
  certificate: servedCertificateSchema.optional(),
});
export type ServiceHealth = z.infer<typeof serviceHealthSchema>;

export const stackHealthSchema = z.strictObject({
  overall: overallHealthSchema,
  at: z.string(),
  /** How long the whole round took, ms. */
  roundMs: z.number(),
  services: z.array(serviceHealthSchema),
  /** A sentence for the tray's tooltip: "dovecot is stopped", "All services healthy". */
  summary: z.string(),
});
export type StackHealth = z.infer<typeof stackHealthSchema>;

export const stackProgressSchema = z.strictObject({
  step: z.enum([
    'check',
    'secrets',
    'build',
    'network',
    'volumes',
    'container',
    'health',
    'tls',
    'stop',
    'remove',
    'backup',
    'restore',
  ]),
  service: stackServiceSchema.optional(),
  message: z.string(),
  current: z.number().int().optional(),
  total: z.number().int().optional(),
});
export type StackProgress = z.infer<typeof stackProgressSchema>;

/** A mailbox's quota in bytes: at least 1 KiB, at most 1 PiB. */
export const quotaBytesSchema = z
  .number()
  .int()
  .min(1024)
  .max(2 ** 50);

export const stackUserSchema = z.strictObject({
  address: z.string(),
  accountId: z.number().int().nullable(),
  /** null: no limit. */
  quotaBytes: z.number().int().nullable(),
});
export type StackUser = z.infer<typeof stackUserSchema>;

export const logLineSchema = z.strictObject({
  /** RFC 3339 with nanoseconds, as Docker gives it. */
  time: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  text: z.string(),
});
export type LogLine = z.infer<typeof logLineSchema>;
