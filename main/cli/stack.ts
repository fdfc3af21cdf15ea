// `maildock stack …`: the bundled mail stack from the command line, through the contract's
// stack.* methods like every other shell.
import type { Command } from 'commander';
import { Argument, Option } from 'commander';
import { resolve } from 'node:path';
import {
  STACK_PROFILES,
  STACK_SERVICES,
  type StackProfile,
  stackPortsSchema,
  type LogLine,
  type StackHealth,
  type StackStatus,
} from '../../common/stack.js';
import { MaildockError } from '../../common/errors.js';
import type { Out } from './output.js';
import { call, int, readStdin, show, withService } from './run.js';
import { addStackUserCommands } from './stack-users.js';

const services = () => new Argument('[service]').choices(STACK_SERVICES);

function duration(s: number | null): string {
  if (s === null) return '-';
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

export function statusText(s: StackStatus): string {
  const head = `Stack ${s.project} (${s.network} network)\n`;
  const rows = s.services.map((v) =>
    [
      v.service.padEnd(9),
      v.state.padEnd(10),
      (v.health === 'none' ? '-' : v.health).padEnd(10),
      `up ${duration(v.uptimeSeconds)}`.padEnd(9),
      `restarts ${v.restartCount}`.padEnd(11),
      v.ports.map((p) => `${p.name} ${p.host}:${p.port}`).join(', '),
    ].join(' '),
  );
  return `${head}${rows.join('\n')}\n`;
}

export function healthText(h: StackHealth): string {
  const rows = h.services.map((s) => {
    const latency = s.latencyMs === null ? '' : ` ${s.latencyMs.toFixed(1)} ms`;
    const problem = s.problem ? `  ${s.problem}` : '';
    return `  ${s.service.padEnd(9)} ${s.state.padEnd(10)}${latency}${problem}`;
  });
  return `${h.overall.toUpperCase()}: ${h.summary} (round ${h.roundMs} ms)\n${rows.join('\n')}\n`;
}

const logLine = (service: string, l: LogLine) => `${service} | ${l.text}`;

/** Progress of up/down/start/stop on stderr, so stdout keeps only the result. */
function progress(svc: Parameters<Parameters<typeof withService>[1]>[0], out: Out): void {
  svc.on('stack.progress', (p) => {
    if (out.json) return;
    const count = p.total ? ` [${p.current}/${p.total}]` : '';
    out.err(`${p.service ? `${p.service}: ` : ''}${p.message}${count}\n`);
  });
}

export function addStackCommands(program: Command): void {
  const stack = program
    .command('stack')
    .description('the bundled local mail stack: Postgres, Redis, Postfix, Dovecot in Docker');

  stack
    .command('up')
    .description('build what is missing, start every service, wait until all are healthy')
    .addOption(
      new Option(
        '--network <mode>',
        'bridge (default) or host networking on the bind address',
      ).choices(['bridge', 'host']),
    )
    .addOption(
      new Option(
        '--profile <name>',
        'also run a profile and keep it on: server (Maildock’s server behind nginx)',
      ).choices(STACK_PROFILES),
    )
    .option('--rebuild', 'build the images again without cache')
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        progress(svc, out);
        const s = await call(svc, 'stack.up', {
          ...(o.network ? { network: o.network } : {}),
          ...(o.profile ? { profiles: [o.profile as StackProfile] } : {}),
          rebuild: !!o.rebuild,
        });
        show(out, s, statusText);
      }),
    );

  stack
    .command('down')
    .description('stop and remove the containers; the volumes (your local mail) stay')
    .option('--volumes', 'also delete the volumes: the local mail, the database, the queue')
    .option('--yes-delete-data', 'confirm --volumes')
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        if (o.volumes && !o.yesDeleteData)
          throw new MaildockError(
            'INVALID_INPUT',
            '--volumes deletes the local mail and the database: add --yes-delete-data to confirm.',
          );
        progress(svc, out);
        const r = await call(svc, 'stack.down', {
          volumes: !!o.volumes,
          confirm: !!o.yesDeleteData,
        });
        show(
          out,
          r,
          (v) =>
            `Removed ${v.removedContainers} container(s)${o.volumes ? ` and ${v.removedVolumes} volume(s)` : '; the volumes are kept'}.\n`,
        );
      }),
    );

  for (const [name, what] of [
    ['start', 'start the stack, or one service, as it was created'],
    ['stop', 'stop the stack, or one service; nothing is removed'],
  ] as const)
    stack
      .command(name)
      .description(what)
      .addArgument(services())
      .action(async (service: string | undefined, _o, cmd: Command) =>
        withService(cmd, async (svc, out) => {
          progress(svc, out);
          const s = await call(svc, `stack.${name}`, service ? { service } : {});
          show(out, s, statusText);
        }),
      );

  stack
    .command('restart')
    .description('restart one service')
    .addArgument(services().argRequired())
    .action(async (service: string, _o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        progress(svc, out);
        show(out, await call(svc, 'stack.restart', { service }), statusText);
      }),
    );

  stack
    .command('status')
    .description('each service: state, health, uptime, restarts, ports')
    .action(async (_o, cmd: Command) =>
      withService(cmd, async (svc, out) =>
        show(out, await call(svc, 'stack.status', {}), statusText),
      ),
    );

  stack
    .command('logs')
    .description("a service's log: the last lines, or following it")
    .addArgument(services().argRequired())
    .option('--tail <n>', 'how many lines', int('--tail'), 100)
    .option('-f, --follow', 'keep printing new lines until interrupted')
    .action(async (service: string, o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const print = (l: LogLine[]) => {
          for (const line of l)
            out.write(
              out.json
                ? `${JSON.stringify({ service, ...line })}\n`
                : `${logLine(service, line)}\n`,
            );
        };
        let batch = await call(svc, 'stack.logs', { service, tail: o.tail });
        print(batch);
        if (!o.follow) return;
        let since = batch.at(-1)?.time ?? new Date().toISOString();
        let stopped = false;
        const stop = () => {
          stopped = true;
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        while (!stopped) {
          await new Promise((r) => setTimeout(r, 1000));
          batch = await call(svc, 'stack.logs', { service, tail: 10_000, since });
          print(batch);
          since = batch.at(-1)?.time ?? since;
        }
      }),
    );

  stack
    .command('health')
    .description(
      'probe every service now (SELECT 1, PING, IMAP login, SMTP EHLO); or keep watching',
    )
    .option('--watch', 'a round every interval until interrupted')
    .option('--interval <ms>', 'with --watch: ms between rounds', int('--interval'))
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        if (!o.watch) {
          const h = await call(svc, 'stack.health', {});
          show(out, h.current, healthText);
          if (h.current.overall !== 'healthy') process.exitCode = 1;
          return;
        }
        svc.on('stack.health', (h) =>
          out.write(out.json ? `${JSON.stringify(h)}\n` : `${h.at} ${healthText(h)}`),
        );
        await svc.monitorStack(o.interval);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
      }),
    );

  const config = stack
    .command('config')
    .description('show the stack settings, or change them (they apply at the next up)')
    .option('--project <name>', 'compose project name')
    .addOption(new Option('--network <mode>', 'bridge or host').choices(['bridge', 'host']))
    .option('--bind <ip>', 'the address services listen on (default 127.0.0.1)')
    .option('--domain <domain>', 'the local mail domain')
    .option('--relay-host <host>', 'send mail for other domains through this host')
    .option('--relay-port <port>', 'its port (default 587)', int('--relay-port'))
    .option('--relay-user <user>', 'its login; the password comes with --relay-password-stdin')
    .option('--relay-password-stdin', 'read the relay password from standard input')
    .option('--no-relay', 'no relay: mail for other domains is refused')
    .option('--health-interval <ms>', 'ms between health rounds', int('--health-interval'))
    .addOption(
      new Option('--profile <name>', 'run this profile at every up').choices(STACK_PROFILES),
    )
    .option('--no-profile', 'run the mail stack only')
    .option(
      '--server-instances <n>',
      'how many Maildock servers run behind nginx',
      int('--server-instances'),
    )
    .option(
      '--tls-dir <dir>',
      'nginx serves the certificate in this folder (fullchain.pem, privkey.pem)',
    )
    .option('--no-tls-dir', 'nginx serves the stack’s own certificate');
  for (const name of Object.keys(stackPortsSchema.shape))
    config.option(`--${name}-port <port>`, `host port of ${name}`, int(`--${name}-port`));
  config.action(async (o, cmd: Command) =>
    withService(cmd, async (svc, out) => {
      const ports = Object.fromEntries(
        Object.keys(stackPortsSchema.shape)
          .map((n) => [n, o[`${n}Port`] as number | undefined])
          .filter(([, v]) => v !== undefined),
      );
      const relay =
        o.relay === false
          ? null
          : o.relayHost
            ? {
                host: o.relayHost,
                ...(o.relayPort ? { port: o.relayPort } : {}),
                ...(o.relayUser ? { user: o.relayUser } : {}),
                ...(o.relayPasswordStdin ? { password: await readStdin() } : {}),
              }
            : undefined;
      const s = await call(svc, 'stack.config', {
        ...(o.project ? { project: o.project } : {}),
        ...(o.network ? { network: o.network } : {}),
        ...(o.bind ? { bind: o.bind } : {}),
        ...(o.domain ? { domain: o.domain } : {}),
        ...(Object.keys(ports).length ? { ports } : {}),
        ...(relay !== undefined ? { relay } : {}),
        ...(o.healthInterval ? { healthIntervalMs: o.healthInterval } : {}),
        ...(o.profile === false ? { profiles: [] } : o.profile ? { profiles: [o.profile] } : {}),
        ...(o.serverInstances ? { serverInstances: o.serverInstances } : {}),
        ...(o.tlsDir === false ? { tlsDir: null } : o.tlsDir ? { tlsDir: resolve(o.tlsDir) } : {}),
      });
      show(out, s, (v) =>
        [
          `project    ${v.project}`,
          `network    ${v.network}, bound to ${v.bind}`,
          `domain     ${v.domain}`,
          `relay      ${v.relay ? `${v.relay.host}:${v.relay.port}${v.relay.user ? ` as ${v.relay.user}` : ''}` : 'none (mail for other domains is refused)'}`,
          `ports      ${Object.entries(v.ports)
            .map(([k, p]) => `${k} ${p}`)
            .join(', ')}`,
          `health     every ${v.healthIntervalMs} ms`,
          `profiles   ${v.profiles.length ? v.profiles.join(', ') : 'none (the mail stack only)'}`,
          `server     ${v.serverInstances} instance${v.serverInstances === 1 ? '' : 's'}, certificate ${v.tlsDir ?? 'the stack’s own'}`,
          '',
        ].join('\n'),
      );
    }),
  );

  addStackUserCommands(stack);
}
