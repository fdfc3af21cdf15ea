// Import and export in the UI's words (renderer/src/ui/transfer-model.ts): the progress line
// with and without a known total, the summary of an import (imported, already there,
// skipped with a capped list, cancelled) and of an export, which progress events are the
// dialog's own transfer, and which native pickers fit a format.
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportResult, ImportResult, TransferProgress } from '../../common/types.js';
import { i18n, languageReady, setLanguage } from '../../renderer/src/i18n/index.js';
import {
  exportSummary,
  importSummary,
  pickKinds,
  placeOf,
  progressFraction,
  progressText,
  SKIPPED_SHOWN,
  skippedShown,
  skippedText,
  startsTransfer,
} from '../../renderer/src/ui/transfer-model.js';

const progress = (p: Partial<TransferProgress>): TransferProgress => ({
  transferId: 7,
  kind: 'import',
  done: 0,
  total: null,
  rate: 0,
  ...p,
});

const imported = (r: Partial<ImportResult>): ImportResult => ({
  transferId: 7,
  format: 'mbox',
  imported: 0,
  duplicates: 0,
  skipped: [],
  cancelled: false,
  ...r,
});

afterEach(async () => {
  setLanguage('system');
  await languageReady();
});

describe('the progress line', () => {
  it('says done of total and the rate, with a bar that fills', () => {
    const p = progress({ done: 12, total: 40, rate: 123.4 });
    expect(progressText(p)).toBe('12 of 40 messages, 123 a second');
    expect(progressFraction(p)).toBe(0.3);
    expect(progressText(progress({ done: 0, total: 1, rate: 0 }))).toBe(
      '0 of 1 message, 0 a second',
    );
    // A slow start keeps a decimal, rather than showing 0 a second.
    expect(progressText(progress({ done: 1, total: 3, rate: 0.46 }))).toBe(
      '1 of 3 messages, 0.5 a second',
    );
  });

  it('counts what it has done so far while the total is not known (an indeterminate bar)', () => {
    const p = progress({ done: 1500, total: null, rate: 2500 });
    expect(progressText(p)).toBe('1,500 messages so far, 2,500 a second');
    expect(progressFraction(p)).toBeNull();
    // An empty source: nothing to fill.
    expect(progressFraction(progress({ done: 0, total: 0 }))).toBeNull();
  });

  it('speaks German too', async () => {
    setLanguage('de');
    await languageReady();
    expect(progressText(progress({ done: 1500, total: 4000, rate: 8.25 }))).toBe(
      '1.500 von 4.000 Nachrichten, 8,3 pro Sekunde',
    );
  });
});

describe('the summary of an import', () => {
  it('says what went in, what was there already, and what was skipped', () => {
    const r = imported({
      imported: 3,
      duplicates: 2,
      skipped: [{ source: 'old.mbox#4', reason: 'no header' }],
    });
    expect(importSummary(r, 'Archive')).toEqual([
      '3 messages imported into Archive.',
      '2 messages were already there and were not imported again.',
      '1 message was skipped:',
    ]);
    expect(skippedText(r.skipped[0]!)).toBe('old.mbox#4: no header');
    expect(importSummary(imported({ imported: 1 }), 'Inbox')).toEqual([
      '1 message imported into Inbox.',
    ]);
  });

  it('says how to go on after a cancel', () => {
    expect(importSummary(imported({ imported: 5, cancelled: true }), 'Archive')).toEqual([
      'Cancelled: run it again to go on where it stopped.',
      '5 messages were imported into Archive before it stopped.',
    ]);
  });

  it('lists the first skipped messages and counts the rest', () => {
    const skipped = Array.from({ length: SKIPPED_SHOWN + 3 }, (_, i) => ({
      source: `m${i}.eml`,
      reason: 'not a message',
    }));
    const { shown, more } = skippedShown(skipped);
    expect(shown.map((s) => s.source)).toEqual(
      skipped.slice(0, SKIPPED_SHOWN).map((s) => s.source),
    );
    expect(more).toBe(3);
    expect(i18n.t('transfer.skippedMore', { count: more })).toBe('and 3 more');
    expect(skippedShown(skipped.slice(0, 2))).toEqual({ shown: skipped.slice(0, 2), more: 0 });
  });
});

describe('the summary of an export', () => {
  const r: ExportResult = {
    transferId: 3,
    format: 'mbox',
    path: '/home/ann/inbox.mbox',
    messages: 4,
    bytes: 3 * 1024 * 1024,
    cancelled: false,
  };
  it('says how many, how big and where', () => {
    expect(exportSummary(r)).toBe('4 messages (3.0 MB) written to /home/ann/inbox.mbox.');
  });
  it('says that nothing was written after a cancel', () => {
    expect(exportSummary({ ...r, cancelled: true })).toBe('Cancelled: nothing was written.');
  });
});

describe('the dialog’s own transfer', () => {
  it('is the first of its kind that starts at nothing', () => {
    expect(startsTransfer(progress({ kind: 'import', done: 0 }), 'import')).toBe(true);
    // Another kind, or one already under way elsewhere, is not the dialog's.
    expect(startsTransfer(progress({ kind: 'export', done: 0 }), 'import')).toBe(false);
    expect(startsTransfer(progress({ kind: 'import', done: 12 }), 'import')).toBe(false);
  });
});

describe('where paths are and how they are picked', () => {
  it('reads the desktop’s own disk over IPC, the server’s over HTTP', () => {
    expect(placeOf('ipc')).toBe('computer');
    expect(placeOf('http')).toBe('server');
  });
  it('offers a file for an mbox, a folder for .eml files and Maildirs, both to detect', () => {
    expect(pickKinds('import', 'mbox')).toEqual(['open-file']);
    expect(pickKinds('import', 'eml')).toEqual(['open-folder']);
    expect(pickKinds('import', 'maildir')).toEqual(['open-folder']);
    expect(pickKinds('import', 'auto')).toEqual(['open-file', 'open-folder']);
    expect(pickKinds('export', 'mbox')).toEqual(['save-file']);
    expect(pickKinds('export', 'eml')).toEqual(['open-folder']);
  });
});
