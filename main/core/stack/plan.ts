// From compose.yml and the user's settings to what Docker is asked for: one container per
// service (maildock-server: one per instance), under the labels `docker compose` uses, so
// `docker compose ps` sees the same stack. Services of a compose profile that is not on are
// left out, as compose does. Pure: the controller applies it, the tests read it.
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { ContainerCreateOptions } from 'dockerode';
import { MaildockError } from '../../../common/errors.js';
import type { StackPortName, StackService, StackSettings } from '../../../common/stack.js';
import {
  durationNs,
  parseMount,
  parsePort,
  startOrder,
  type ComposeFile,
  type Env,
} from './compose-file.js';

export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  configFiles: 'com.docker.compose.project.config_files',
  workingDir: 'com.docker.compose.project.working_dir',
  volume: 'com.docker.compose.volume',
  network: 'com.docker.compose.network',
  maildock: 'io.maildock.stack',
} as const;

const PORT_VARS: Record<StackPortName, string> = {
  postgres: 'MAILDOCK_POSTGRES_PORT',
  redis: 'MAILDOCK_REDIS_PORT',
  smtp: 'MAILDOCK_SMTP_PORT',
  submission: 'MAILDOCK_SUBMISSION_PORT',
  imap: 'MAILDOCK_IMAP_PORT',
  imaps: 'MAILDOCK_IMAPS_PORT',
  pop3: 'MAILDOCK_POP3_PORT',
  pop3s: 'MAILDOCK_POP3S_PORT',
  lmtp: 'MAILDOCK_LMTP_PORT',
  auth: 'MAILDOCK_AUTH_PORT',
  http: 'MAILDOCK_HTTP_PORT',
  https: 'MAILDOCK_HTTPS_PORT',
  server: 'MAILDOCK_SERVER_PORT',
};

/** The service that runs as several containers, and the setting that says how many. */
export const SCALED_SERVICE: StackService = 'maildock-server';

/** Where the server image's build context is staged (scripts/server-image.sh), and its tag. */
export interface ServerImage {
  context: string;
  tag: string;
}

/**
 * With host networking, instance n of the server listens on the server port + n − 1: the
 * instances share the host's ports, so each needs its own, and nginx is told the list.
 * (On a bridge network they all listen on 8600 and Docker's DNS gives nginx every one.)
 */
export function serverUpstreams(settings: StackSettings): string[] {
  const host = settings.bind === '0.0.0.0' ? '127.0.0.1' : settings.bind;
  return Array.from(
    { length: settings.serverInstances },
    (_, i) => `${host}:${settings.ports.server + i}`,
  );
}

/** The variables compose.yml is interpolated with: what `.env` would hold for plain compose. */
export function composeEnv(
  settings: StackSettings,
  secretsDir: string,
  tag: string,
  server?: ServerImage,
): Env {
  const env: Record<string, string> = {
    MAILDOCK_STACK_TAG: tag,
    MAILDOCK_STACK_DIR: secretsDir,
    MAILDOCK_TLS_DIR: settings.tlsDir ?? join(secretsDir, 'nginx'),
    MAILDOCK_SERVER_UPSTREAMS: serverUpstreams(settings).join(' '),
    ...(server ? { MAILDOCK_SERVER_CONTEXT: server.context, MAILDOCK_SERVER_TAG: server.tag } : {}),
    MAILDOCK_BIND: settings.bind,
    MAILDOCK_DOMAIN: settings.domain,
    MAILDOCK_RELAY_HOST: settings.relay?.host ?? '',
    MAILDOCK_RELAY_PORT: String(settings.relay?.port ?? 587),
  };
  for (const [name, v] of Object.entries(PORT_VARS))
    env[v] = String(settings.ports[name as StackPortName]);
  return env;
}

export interface ServicePlan {
  service: string;
  /** 1 for every service but maildock-server, which has one plan per instance. */
  instance: number;
  /** The key of its container among the project's: the service, `service#n` for instance n > 1. */
  key: string;
  container: string;
  image: string;
  /** Absolute build context, Dockerfile and build arguments, when the image is built. */
  build: { context: string; dockerfile: string; args: Record<string, string> } | null;
  dependsOn: Record<string, 'service_started' | 'service_healthy'>;
  /** Host ports the service will hold once running, with the setting that names each. */
  ports: { name: StackPortName | null; host: string; port: number }[];
  create: ContainerCreateOptions;
  hash: string;
}

export interface StackPlan {
  project: string;
  network: string | null;
  volumes: { key: string; name: string }[];
  services: ServicePlan[];
}

function portName(settings: StackSettings, port: number): StackPortName | null {
  const hit = Object.entries(settings.ports).find(([, p]) => p === port);
  return hit ? (hit[0] as StackPortName) : null;
}

function hostPorts(s: Pick<ComposeFile['services'][string], 'hostEnvironment'>): number[] {
  return Object.entries(s.hostEnvironment)
    .filter(([k]) => /_PORT$/.test(k))
    .map(([, v]) => Number(v))
    .filter((p) => Number.isInteger(p) && p > 0);
}

/** The key of a service's container among the project's (see ServicePlan.key). */
export const instanceKey = (service: string, instance: number) =>
  instance === 1 ? service : `${service}#${instance}`;

/** Compose's rule: a service without profiles always runs, one with profiles when one is on. */
export function inProfiles(s: { profiles: string[] }, profiles: readonly string[]): boolean {
  return !s.profiles.length || s.profiles.some((p) => profiles.includes(p));
}

export function planStack(compose: ComposeFile, settings: StackSettings): StackPlan {
  const project = settings.project;
  const host = settings.network === 'host';
  const network = host ? null : `${project}_default`;
  const volumes = compose.volumes.map((key) => ({ key, name: `${project}_${key}` }));
  const active = Object.fromEntries(
    Object.entries(compose.services).filter(([, s]) => inProfiles(s, settings.profiles)),
  );
  for (const [name, s] of Object.entries(active))
    for (const dep of Object.keys(s.dependsOn))
      if (!active[dep])
        throw new MaildockError(
          'INVALID_INPUT',
          `compose.yml: ${name} depends on ${dep}, which is in a profile that is not on`,
        );
  const services = startOrder(active).flatMap((service) =>
    Array.from({ length: service === SCALED_SERVICE ? settings.serverInstances : 1 }, (_, i) =>
      planInstance(compose, settings, service, i + 1),
    ),
  );
  return { project, network, volumes, services };
}

function planInstance(
  compose: ComposeFile,
  settings: StackSettings,
  service: string,
  instance: number,
): ServicePlan {
  const project = settings.project;
  const host = settings.network === 'host';
  const network = host ? null : `${project}_default`;
  const s = compose.services[service]!;
  // With host networking, instance n moves its own ports up by n − 1 (see serverUpstreams).
  const hostEnvironment = Object.fromEntries(
    Object.entries(s.hostEnvironment).map(([k, v]) =>
      instance > 1 && /_PORT$/.test(k) && ownPort(compose, s, Number(v))
        ? [k, String(Number(v) + instance - 1)]
        : [k, v],
    ),
  );
  const environment = host ? { ...s.environment, ...hostEnvironment } : s.environment;
  const mappings = s.ports.map(parsePort);
  const mounts = s.volumes.map((v) => parseMount(v, compose.dir));
  // With host networking a service listens on its *_PORT variables, except those that
  // name a port of a service it depends on (Postfix's LMTP_PORT is Dovecot's listener).
  const depPorts = new Set(
    Object.keys(s.dependsOn).flatMap((d) => hostPorts(compose.services[d]!)),
  );
  const ports: ServicePlan['ports'] = host
    ? hostPorts({ hostEnvironment })
        .filter((p) => !depPorts.has(p))
        .map((p) => ({ name: portName(settings, p), host: settings.bind, port: p }))
    : mappings.map((m) => ({
        name: portName(settings, m.hostPort),
        host: m.hostIp,
        port: m.hostPort,
      }));
  const hc = s.healthcheck;
  const create: ContainerCreateOptions = {
    name: `${project}-${service}-${instance}`,
    Image: s.image,
    Env: Object.entries(environment)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`),
    Labels: {
      [LABEL.project]: project,
      [LABEL.service]: service,
      [LABEL.number]: String(instance),
      [LABEL.oneoff]: 'False',
      [LABEL.configFiles]: compose.path,
      [LABEL.workingDir]: compose.dir,
      [LABEL.maildock]: '1',
    },
    ...(hc
      ? {
          Healthcheck: {
            Test: hc.test,
            ...(hc.interval ? { Interval: durationNs(hc.interval) } : {}),
            ...(hc.timeout ? { Timeout: durationNs(hc.timeout) } : {}),
            ...(hc.retries ? { Retries: hc.retries } : {}),
            ...(hc.start_period ? { StartPeriod: durationNs(hc.start_period) } : {}),
          },
        }
      : {}),
    ...(s.stop_signal ? { StopSignal: s.stop_signal } : {}),
    ...(s.stop_grace_period
      ? { StopTimeout: Math.ceil(durationNs(s.stop_grace_period) / 1e9) }
      : {}),
    ...(host
      ? {}
      : {
          ExposedPorts: Object.fromEntries(
            mappings.map((m) => [`${m.containerPort}/${m.protocol}`, {}]),
          ),
        }),
    HostConfig: {
      NetworkMode: host ? 'host' : network!,
      RestartPolicy: { Name: s.restart },
      Mounts: mounts.map((m) => ({
        Type: m.type,
        Source: m.type === 'volume' ? `${project}_${m.source}` : m.source,
        Target: m.target,
        ReadOnly: m.readOnly,
      })),
      ...(host
        ? {}
        : {
            PortBindings: Object.fromEntries(
              mappings.map((m) => [
                `${m.containerPort}/${m.protocol}`,
                [{ HostIp: m.hostIp, HostPort: String(m.hostPort) }],
              ]),
            ),
          }),
    },
    ...(host
      ? {}
      : { NetworkingConfig: { EndpointsConfig: { [network!]: { Aliases: [service] } } } }),
  };
  // The hash decides whether a running container still matches what is asked: compose's
  // own habit, so `up` twice changes nothing and a changed setting recreates just that one.
  const hash = createHash('sha256').update(JSON.stringify(create)).digest('hex');
  create.Labels![LABEL.configHash] = hash;
  return {
    service,
    instance,
    key: instanceKey(service, instance),
    container: create.name!,
    image: s.image,
    build: s.build
      ? typeof s.build === 'string'
        ? { context: resolve(compose.dir, s.build), dockerfile: 'Dockerfile', args: {} }
        : {
            context: resolve(compose.dir, s.build.context),
            dockerfile: s.build.dockerfile ?? 'Dockerfile',
            args: s.build.args ?? {},
          }
      : null,
    dependsOn: s.dependsOn,
    ports,
    create,
    hash,
  };
}

/** A port of the service's own, not one of a service it depends on. */
function ownPort(compose: ComposeFile, s: ComposeFile['services'][string], port: number): boolean {
  return !Object.keys(s.dependsOn).some((d) => hostPorts(compose.services[d]!).includes(port));
}
