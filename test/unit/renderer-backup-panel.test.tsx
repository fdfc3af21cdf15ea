// @vitest-environment jsdom
// The Backups panel over a fake client: a backup under way shows the pushed progress as
// bytes, rate and time left with a Cancel that asks the core; a verify shows each problem.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, expect, it } from 'vitest';
import { progressText } from '../../common/backup-words.js';
import type { BackupProgressEvent } from '../../common/types.js';
import type { MaildockClient } from '../../renderer/src/client/client.js';
import { ClientProvider } from '../../renderer/src/client/context.js';
import { BackupPanel } from '../../renderer/src/settings/BackupPanel.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement | null = null;
afterEach(() => {
  container?.remove();
  container = null;
});

it('shows a backup’s progress with Cancel, then the archive, and a verify’s problems', async () => {
  const calls: string[] = [];
  let progress: (p: BackupProgressEvent) => void = () => undefined;
  let finish: (v: unknown) => void = () => undefined;
  const file = '/data/backups/maildock-2026-12-04_02-00-00-000.maildock-backup';
  const client = {
    transport: 'ipc',
    call: async (method: string) => {
      calls.push(method);
      if (method === 'backup.list')
        return calls.includes('backup.create')
          ? [{ file, bytes: 2048, files: null, createdAt: 'x' }]
          : [];
      if (method === 'backup.schedule') return { enabled: false, everyHours: 24, keep: 7 };
      if (method === 'backup.create') return new Promise((r) => (finish = r));
      if (method === 'backup.cancel') return { cancelled: true };
      if (method === 'backup.verify')
        return {
          file,
          ok: false,
          problems: ['store/maildock.db does not match its checksum.'],
          format: 1,
          app: '0.1.0',
          createdAt: 'x',
          files: 3,
          secrets: false,
        };
      throw new Error(method);
    },
    on: (event: string, fn: (p: BackupProgressEvent) => void) => {
      if (event === 'backup.progress') progress = fn;
      return () => undefined;
    },
  } as unknown as MaildockClient;
  container = document.createElement('div');
  document.body.append(container);
  await act(async () => {
    createRoot(container!).render(
      <ClientProvider client={client}>
        <BackupPanel />
      </ClientProvider>,
    );
  });
  const el = container;
  expect(el.querySelector('.backup-empty')!.textContent).toBe('No backups yet.');
  const button = (name: string) =>
    [...el.querySelectorAll('button')].find(
      (b) => b.textContent === name || b.getAttribute('aria-label') === name,
    )!;
  await act(async () => button('Back up now').click());
  const event: BackupProgressEvent = {
    phase: 'archive',
    bytes: 30 * 1024 * 1024,
    totalBytes: 60 * 1024 * 1024,
    rate: 120 * 1024 * 1024,
    etaSeconds: 0.25,
  };
  await act(async () => progress(event));
  expect(el.querySelector('.backup-progress [role=status]')!.textContent).toBe(progressText(event));
  expect(progressText(event)).toBe(
    'Writing the archive: 50%, 30.0 MB of 60.0 MB at 120.0 MB/s, 1 s left',
  );
  expect(el.querySelector<HTMLProgressElement>('progress')!.value).toBe(0.5);
  await act(async () => button('Cancel').click());
  expect(calls).toContain('backup.cancel');
  await act(async () => finish({ file, bytes: 2048, files: 3, createdAt: 'x' }));
  expect(el.querySelector('.backup-made')!.textContent).toBe(
    'Backup written: maildock-2026-12-04_02-00-00-000.maildock-backup (2.0 KB, 3 files).',
  );
  await act(async () => button('Verify maildock-2026-12-04_02-00-00-000.maildock-backup').click());
  expect(el.querySelector('.backup-problems')!.textContent).toBe(
    'store/maildock.db does not match its checksum.',
  );
});
