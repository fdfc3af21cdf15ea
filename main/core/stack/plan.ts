// From compose.yml and the user's settings to what Docker is asked for: one container per
// service, under the labels `docker compose` uses, so `docker compose ps` sees the same
// stack. Pure: the controller applies it, the tests read it.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ContainerCreateOptions } from 'dockerode';
import type { StackPortName, StackSettings } from '../../../common/stack.js';
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
};

/** The variables compose.yml is interpolated with: what `.env` would hold for plain compose. */
export function composeEnv(settings: StackSettings, secretsDir: string, tag: string): Env {
  const env: Record<string, string> = {
    MAILDOCK_STACK_TAG: tag,
    MAILDOCK_STACK_DIR: secretsDir,
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
  container: string;
  image: string;
  /** Absolute build context and Dockerfile, when the image is built from stack/. */
  build: { context: string; dockerfile: string } | null;
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

function hostPorts(s: ComposeFile['services'][string]): number[] {
  return Object.entries(s.hostEnvironment)
    .filter(([k]) => /_PORT$/.test(k))
    .map(([, v]) => Number(v))
    .filter((p) => Number.isInteger(p) && p > 0);
}

export function planStack(compose: ComposeFile, settings: StackSettings): StackPlan {
  const project = settings.project;
  const host = settings.network === 'host';
  const network = host ? null : `${project}_default`;
  const volumes = compose.volumes.map((key) => ({ key, name: `${project}_${key}` }));
  const services = startOrder(compose.services).map((service): ServicePlan => {
    const s = compose.services[service]!;
    const environment = host ? { ...s.environment, ...s.hostEnvironment } : s.environment;
    const mappings = s.ports.map(parsePort);
    const mounts = s.volumes.map((v) => parseMount(v, compose.dir));
    // With host networking a service listens on its *_PORT variables, except those that
    // name a port of a service it depends on (Postfix's LMTP_PORT is Dovecot's listener).
    const depPorts = new Set(
      Object.keys(s.dependsOn).flatMap((d) => hostPorts(compose.services[d]!)),
    );
    const ports: ServicePlan['ports'] = host
      ? hostPorts(s)
          .filter((p) => !depPorts.has(p))
          .map((p) => ({ name: portName(settings, p), host: settings.bind, port: p }))
      : mappings.map((m) => ({
          name: portName(settings, m.hostPort),
          host: m.hostIp,
          port: m.hostPort,
        }));
    const hc = s.healthcheck;
    const create: ContainerCreateOptions = {
      name: `${project}-${service}-1`,
      Image: s.image,
      Env: Object.entries(environment)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`),
      Labels: {
        [LABEL.project]: project,
        [LABEL.service]: service,
        [LABEL.number]: '1',
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
      container: create.name!,
      image: s.image,
      build: s.build
        ? typeof s.build === 'string'
          ? { context: join(compose.dir, s.build), dockerfile: 'Dockerfile' }
          : {
              context: join(compose.dir, s.build.context),
              dockerfile: s.build.dockerfile ?? 'Dockerfile',
            }
        : null,
      dependsOn: s.dependsOn,
      ports,
      create,
      hash,
    };
  });
  return { project, network, volumes, services };
}
