// `maildock sync`: one complete pass over every account (the default), or `--watch` to stay
// connected (IDLE) until interrupted, with a progress line on a terminal.
import type { Command } from 'commander';
import { printError, progressReporter } from './output.js';
import { call, int, show, withService } from './run.js';

export function addSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('sync every account: once, or keep watching (IDLE) until interrupted')
    .option('--once', 'one complete pass, then exit (the default)')
    .option('--watch', 'stay connected and sync as mail arrives')
    .option('--account <id>', 'only this account', int('--account'))
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const bar = progressReporter(out);
        svc.on('sync.progress', (p) => bar.update(p));
        if (o.watch) {
          svc.on('mail.new', (e) => !out.json && out.err(`\r\x1b[K${e.count} new message(s)\n`));
          svc.on('sync.error', (e) => printError(out, e.error));
          await svc.watch();
          out.err('Watching for new mail. Press Ctrl-C to stop.\n');
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          bar.done();
          return;
        }
        const summary = await call(svc, 'sync.run', o.account ? { accountId: o.account } : {});
        bar.done();
        show(out, summary, (s) => {
          const errs = s.errors
            .map((e) => `  ${e.code}${e.mailbox ? ` in ${e.mailbox}` : ''}: ${e.message}\n`)
            .join('');
          const ops = s.operations;
          const changes =
            ops.pending || ops.failed
              ? `${ops.pending} change(s) waiting for the server, ${ops.failed} refused (see \`maildock changes\`)\n`
              : '';
          return `${s.accounts} account(s), ${s.mailboxes} folder(s), ${s.messages} message(s), ${s.bodies} with bodies\n${changes}${errs}`;
        });
        if (summary.errors.length) process.exitCode = 1;
      }),
    );
}
