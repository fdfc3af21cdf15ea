// `maildock mailbox …`: list the folders, and create, rename (or move) and delete them. A
// change is done here at once and carried to the server by the next `maildock sync` (at once
// by a running `sync --watch`). Folders are named by their path as `mailbox list` shows it,
// with the server's own delimiter ("Projects/2026", or "Projects.2026" on some servers);
// `create` and `rename` make the missing folders above the path first, as `mkdir -p` does.
// `create --local` makes a local folder: kept in Maildock's store only, never on the server,
// listed under "Local Folders/" and marked (local); its path is typed without that root.
import type { Command } from 'commander';
import { MaildockError } from '../../common/errors.js';
import { accountDelimiter, isWithin, pathLevels } from '../../common/folder-paths.js';
import { LOCAL_DELIMITER, localName } from '../../common/local-folders.js';
import type { Mailbox } from '../../common/types.js';
import { mailboxLine } from './output.js';
import { accountOf, call, int, lines, show, withService } from './run.js';
import type { MaildockService } from '../core/service.js';

/** The account's folders, and its delimiter. */
async function foldersOf(svc: MaildockService, accountId: number) {
  const boxes = await call(svc, 'mailbox.list', { accountId });
  return { boxes, delimiter: accountDelimiter(boxes.filter((m) => !m.local)) };
}

/**
 * A folder by path; the Inbox by any case, as IMAP names it; else a local folder by its path
 * under Local Folders ("Old/2019" for "Local Folders/Old/2019").
 */
export const byPath = (boxes: readonly Mailbox[], path: string): Mailbox | undefined =>
  boxes.find(
    (m) => m.path === path || (m.path.toUpperCase() === 'INBOX' && path.toUpperCase() === 'INBOX'),
  ) ?? boxes.find((m) => m.local && localName(m.path) === path);

function mustFind(boxes: readonly Mailbox[], path: string): Mailbox {
  const box = byPath(boxes, path);
  if (!box) throw new MaildockError('NOT_FOUND', `There is no folder ${path}.`, { path });
  return box;
}

/**
 * The folder of these levels, each missing one created under the one above it; returns the
 * last (null for no levels) and what was created, top first.
 */
async function makeLevels(
  svc: MaildockService,
  accountId: number,
  boxes: Mailbox[],
  levels: readonly string[],
  delimiter: string | null,
  local = false,
): Promise<{ folder: Mailbox | null; created: Mailbox[] }> {
  let folder: Mailbox | null = null;
  const created: Mailbox[] = [];
  const mine = (m: Mailbox) => m.local === local;
  for (let i = 0; i < levels.length; i++) {
    const there = byPath(boxes.filter(mine), levels.slice(0, i + 1).join(delimiter ?? ''));
    if (there) {
      folder = there;
      continue;
    }
    folder = await call(svc, 'mailbox.create', {
      accountId,
      name: levels[i],
      ...(folder ? { parentId: folder.id } : {}),
      ...(local ? { local: true } : {}),
    });
    created.push(folder);
    boxes.push(folder);
  }
  return { folder, created };
}

export function addMailboxCommands(program: Command): void {
  const mailbox = program
    .command('mailbox')
    .description('folders: list, create, rename (or move), delete');
  mailbox
    .command('list')
    .description('list folders with message and unread counts')
    .option('--account <id>', 'only this account', int('--account'))
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const list = await call(svc, 'mailbox.list', o.account ? { accountId: o.account } : {});
        show(out, list, (l: Mailbox[]) =>
          lines(l, mailboxLine, 'No folders yet: run `maildock sync`.'),
        );
      }),
    );
  mailbox
    .command('create <path>')
    .description(
      'create a folder (and the missing folders above it); on the server with the next sync',
    )
    .option('--account <id>', 'the account (needed when there are several)', int('--account'))
    .option(
      '--local',
      'a local folder: kept here only, never on the server (PATH under Local Folders, "/" between levels)',
    )
    .action(async (path: string, o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const accountId = await accountOf(svc, o.account);
        const found = await foldersOf(svc, accountId);
        const delimiter = o.local ? LOCAL_DELIMITER : found.delimiter;
        const { created } = await makeLevels(
          svc,
          accountId,
          found.boxes,
          pathLevels(o.local ? localName(path) : path, delimiter),
          delimiter,
          !!o.local,
        );
        if (!created.length)
          throw new MaildockError('ALREADY_EXISTS', `There is a folder ${path} already.`, {
            path,
          });
        show(out, created, (l) => `Created ${l.map((m) => m.path).join(', ')}.\n`);
      }),
    );
  mailbox
    .command('rename <path> <new-path>')
    .description(
      'rename or move a folder with its subfolders and messages (NEW-PATH is its whole new path)',
    )
    .option('--account <id>', 'the account (needed when there are several)', int('--account'))
    .action(async (path: string, newPath: string, o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const accountId = await accountOf(svc, o.account);
        const found = await foldersOf(svc, accountId);
        const { boxes } = found;
        const box = mustFind(boxes, path);
        // A local folder's paths are typed without their root, and "/" between levels.
        const delimiter = box.local ? LOCAL_DELIMITER : found.delimiter;
        const named = (p: string) => (box.local ? localName(p) : p);
        const levels = pathLevels(named(newPath), delimiter);
        const above = levels.slice(0, -1);
        // Refused before any folder above it is made for nothing.
        if (above.length && isWithin(above.join(delimiter ?? ''), named(box.path), delimiter))
          throw new MaildockError(
            'INVALID_INPUT',
            `${box.path} cannot go into itself or one of its own subfolders.`,
            { mailboxId: box.id },
          );
        const { folder } = await makeLevels(svc, accountId, boxes, above, delimiter, box.local);
        const renamed = await call(svc, 'mailbox.rename', {
          id: box.id,
          name: levels.at(-1),
          parentId: folder ? folder.id : null,
        });
        show(out, renamed, (m) => `Renamed ${box.path} to ${m.path}.\n`);
      }),
    );
  mailbox
    .command('delete <path>')
    .description('delete a folder with its subfolders and their messages (asks nothing)')
    .option('--account <id>', 'the account (needed when there are several)', int('--account'))
    .action(async (path: string, o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const accountId = await accountOf(svc, o.account);
        const { boxes, delimiter } = await foldersOf(svc, accountId);
        const box = mustFind(boxes, path);
        const folders = boxes
          .filter(
            (m) =>
              m.local === box.local &&
              isWithin(m.path, box.path, box.local ? LOCAL_DELIMITER : delimiter),
          )
          .map((m) => m.path);
        const r = await call(svc, 'mailbox.delete', { id: box.id });
        show(
          out,
          { ...r, path: box.path, folders },
          (v) =>
            `Deleted ${v.folders.join(', ')} with ${v.messages} message${v.messages === 1 ? '' : 's'}.\n`,
        );
      }),
    );
}
