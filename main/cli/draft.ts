// `maildock draft …`: drafts kept here and in the server's Drafts.
import type { Command } from 'commander';
import {
  composeInput,
  composeOptions,
  signatureOption,
  signed,
  withAccount,
} from './compose-input.js';
import { draftLine } from './output.js';
import { call, int, lines, show, withService } from './run.js';

export function addDraftCommands(program: Command): void {
  const draft = program
    .command('draft')
    .description("drafts, kept here and in the server's Drafts");
  signatureOption(
    composeOptions(
      draft
        .command('save')
        .description(
          'save a draft (a new one, or a new version of --id); it goes to the server at once when it can, else with the next sync',
        ),
    ),
  )
    .option('--id <id>', 'the draft to replace', int('--id'))
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const given = await composeInput(o);
        // A new draft names its account; a new version has the draft's.
        const input = o.id === undefined ? await withAccount(svc, given) : given;
        // A new version of a draft has its signature already.
        const withSignature = o.signature && o.id === undefined;
        const d = await call(svc, 'draft.save', {
          ...(withSignature ? await signed(svc, input) : input),
          ...(o.id !== undefined ? { id: o.id } : {}),
        });
        show(
          out,
          d,
          (v) =>
            `Draft ${v.id} saved (${v.origin === 'synced' ? 'on the server too' : 'here; the server copy follows with the next sync'}).\n`,
        );
      }),
    );
  draft
    .command('list')
    .description('drafts saved here and those the server has from other clients')
    .option('--account <id>', 'only this account', int('--account'))
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const list = await call(svc, 'draft.list', o.account ? { accountId: o.account } : {});
        show(out, list, (l) => lines(l, draftLine, 'No drafts.'));
      }),
    );
  draft
    .command('delete <id>')
    .description('delete a draft here and on the server')
    .action(async (id: string, _o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const r = await call(svc, 'draft.delete', { id: int('id')(id) });
        show(out, r, () => `Draft ${id} deleted.\n`);
      }),
    );
}
