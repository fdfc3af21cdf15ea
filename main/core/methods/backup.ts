// backup.*: archives of everything the user would hate to lose, made, checked, listed,
// scheduled and restored (into this running service: backup/restore-here.ts).
import { MaildockError } from '../../../common/errors.js';
import type { MethodContext, MethodsOf } from './context.js';

export function backupMethods(ctx: MethodContext): MethodsOf<'backup.'> {
  return {
    'backup.create': async (input) => {
      if (ctx.restoring)
        throw new MaildockError(
          'ALREADY_EXISTS',
          'A backup is being restored; back up once it has finished.',
        );
      return ctx.backups.create(input);
    },
    'backup.verify': async (input) => ctx.backups.verify(input),
    'backup.list': async () => ctx.backups.list(),
    'backup.cancel': async () => ctx.backups.cancel(),
    'backup.schedule': async (patch) => ctx.backups.schedule(patch),
    'backup.restore': async (input) => ctx.restoreHere(input),
  };
}
