// @vitest-environment jsdom
// The UI's language: the system's first language that Maildock speaks (English otherwise),
// or the one picked in Settings, which applies at once to what is on screen, <html lang>,
// and the locale of numbers and dates, and is remembered with the other UI preferences.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, expect, it, vi } from 'vitest';
import { count, shortDate } from '../../renderer/src/format.js';
import {
  i18n,
  languageReady,
  localeFor,
  setLanguage,
  storedLanguage,
  systemLanguage,
} from '../../renderer/src/i18n/index.js';
import { LanguagePicker } from '../../renderer/src/settings/LanguagePicker.js';
import { ActionBar } from '../../renderer/src/ui/ActionBar.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement | null = null;
afterEach(() => {
  act(() => setLanguage('system'));
  container?.remove();
  container = null;
});

it('follows the system’s first language it speaks, in the system’s variant of it', () => {
  expect(systemLanguage(['fr-FR', 'de-AT', 'en-US'])).toBe('de');
  expect(systemLanguage(['fr-FR', 'pt'])).toBe('en');
  expect(systemLanguage([])).toBe('en');
  expect(localeFor('de', ['en-US', 'de-AT'])).toBe('de-AT');
  expect(localeFor('en', ['de-DE'])).toBe('en');
  // jsdom's browser speaks en-US.
  expect(i18n.language).toBe('en');
  expect(document.documentElement.lang).toBe('en');
});

it('switches from Settings at once, without a new mount, and keeps the choice', async () => {
  container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  act(() =>
    root.render(
      <>
        <LanguagePicker />
        <ActionBar
          disabled={false}
          onAction={() => undefined}
          junk
          onJunk={() => undefined}
          onMove={() => undefined}
          onUndo={() => undefined}
          undo={null}
        />
      </>,
    ),
  );
  const el = container;
  const buttons = () => [...el.querySelectorAll('button')].map((b) => b.textContent);
  const firstButton = el.querySelector('button');
  expect(buttons()).toEqual([
    'Flag',
    'Read or unread',
    'Archive',
    'Delete',
    'Junk',
    'Move…',
    'Undo',
  ]);
  const select = el.querySelector('select')!;
  expect([...select.options].map((o) => o.text)).toEqual([
    'System (English)',
    'English',
    'Deutsch',
  ]);

  // German is fetched when first chosen: English until it is here, then German throughout.
  expect(i18n.hasResourceBundle('de', 'translation')).toBe(false);
  await act(async () => {
    select.value = 'de';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await languageReady();
  });
  expect(buttons()).toEqual([
    'Markieren',
    'Gelesen/ungelesen',
    'Archivieren',
    'Löschen',
    'Spam',
    'Verschieben…',
    'Rückgängig',
  ]);
  // The same elements, rendered again: nothing was mounted anew (compose state survives).
  expect(el.querySelector('button')).toBe(firstButton);
  expect(el.querySelector('[role=toolbar]')!.getAttribute('aria-label')).toBe(
    'Nachrichtenaktionen',
  );
  expect(document.documentElement.lang).toBe('de');
  expect(count(1234567)).toBe('1.234.567');
  expect(shortDate('2020-03-04T10:00:00Z', new Date('2025-01-01T00:00:00Z'))).toMatch(/2020/);
  expect(shortDate('2020-03-04T10:00:00Z', new Date('2025-01-01T00:00:00Z'))).toMatch(/März/);
  expect(i18n.t('move.title', { count: 1 })).toBe('Nachricht verschieben nach…');
  expect(i18n.t('move.title', { count: 3 })).toBe('3 Nachrichten verschieben nach…');
  expect(storedLanguage()).toBe('de');
  expect(localStorage.getItem('maildock.language')).toBe('de');

  act(() => {
    select.value = 'system';
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  expect(buttons()[0]).toBe('Flag');
  expect(document.documentElement.lang).toBe('en');
  expect(count(1234567)).toBe('1,234,567');
  act(() => root.unmount());
});

/** The module as a page that has just started loads it: no catalog but English fetched yet. */
async function freshStart() {
  vi.resetModules();
  return import('../../renderer/src/i18n/index.js');
}

it('starts in a German choice only once its text is here, with nothing in English before', async () => {
  localStorage.setItem('maildock.language', 'de');
  const fresh = await freshStart();
  // The page renders after languageReady (main.tsx).
  await fresh.languageReady();
  expect(fresh.i18n.language).toBe('de');
  expect(fresh.i18n.t('move.title', { count: 1 })).toBe('Nachricht verschieben nach…');
  expect(document.documentElement.lang).toBe('de');
  fresh.setLanguage('system');
  expect(document.documentElement.lang).toBe('en');
});

it('shows the language picked last, though an earlier pick’s text arrives after it', async () => {
  const fresh = await freshStart();
  fresh.setLanguage('de');
  fresh.setLanguage('en');
  await vi.waitFor(() => expect(fresh.i18n.hasResourceBundle('de', 'translation')).toBe(true));
  expect(fresh.i18n.language).toBe('en');
  expect(document.documentElement.lang).toBe('en');
  // Here now: picking it again applies at once.
  fresh.setLanguage('de');
  expect(fresh.i18n.language).toBe('de');
  fresh.setLanguage('system');
});
