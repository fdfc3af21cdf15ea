// The UI's language: i18next with the catalogs of this folder, English the source and the
// fallback. The choice is the system's (navigator.languages: the browser's, or the OS
// locale Electron passes) unless the person picked one in Settings; it is kept in this
// browser's storage beside the other UI preferences. A change applies at once: components
// that call useTranslation render again, <html lang> and the locale of dates and numbers
// follow. Importing this module sets it all up, so components and tests need no provider.
// English is part of the page; another language's catalog is a chunk of its own, fetched
// only when that language is the one shown (languageReady() says when it is).
import i18next from 'i18next';
import { useSyncExternalStore } from 'react';
import { initReactI18next } from 'react-i18next';
import { safeGet, safeSet } from '../ui/theme.js';
import type { Catalog } from './catalog.js';
import { en } from './en.js';
import { setLocale } from './locale.js';

export { useTranslation, Trans } from 'react-i18next';
export { locale } from './locale.js';

export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];
export type LanguageSetting = Language | 'system';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

const catalogs: Record<Exclude<Language, 'en'>, () => Promise<Catalog>> = {
  de: () => import('./de.js').then((m) => m.de),
};

export const LANGUAGE_KEY = 'maildock.language';
const base = (tag: string) => tag.toLowerCase().split(/[-_]/)[0] ?? '';
const isLanguage = (v: string): v is Language => (LANGUAGES as readonly string[]).includes(v);

function preferred(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  if (navigator.languages?.length) return navigator.languages;
  return navigator.language ? [navigator.language] : [];
}

/** The first of the system's languages that Maildock speaks; English when none is. */
export function systemLanguage(tags: readonly string[] = preferred()): Language {
  for (const tag of tags) {
    const b = base(tag);
    if (isLanguage(b)) return b;
  }
  return 'en';
}

/** The locale for dates and numbers: the system's own variant of the language, if it has one. */
export function localeFor(language: Language, tags: readonly string[] = preferred()): string {
  return tags.find((tag) => base(tag) === language) ?? language;
}

export function storedLanguage(): LanguageSetting {
  const v = safeGet(LANGUAGE_KEY);
  return v !== null && isLanguage(v) ? v : 'system';
}

export const resolveLanguage = (setting: LanguageSetting): Language =>
  setting === 'system' ? systemLanguage() : setting;

export const i18n = i18next.createInstance();

function follow(lng: string): void {
  const language = isLanguage(lng) ? lng : 'en';
  setLocale(localeFor(language));
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

let setting = storedLanguage();
i18n.on('languageChanged', follow);
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  // React escapes what it renders; escaping here too would show &amp; and the like.
  interpolation: { escapeValue: false },
  initAsync: false,
});
follow(i18n.language);

// The language last asked for: a catalog that arrives after another choice is not shown.
let wanted: Language = 'en';
let ready: Promise<void> = Promise.resolve();

/** Shows `language`: at once when its catalog is here, else once it has been fetched. */
function show(language: Language): void {
  wanted = language;
  if (language === 'en' || i18n.hasResourceBundle(language, 'translation')) {
    void i18n.changeLanguage(language);
    ready = Promise.resolve();
    return;
  }
  ready = catalogs[language]().then(
    (catalog) => {
      i18n.addResourceBundle(language, 'translation', catalog);
      if (wanted === language) void i18n.changeLanguage(language);
    },
    // Unreachable (the server went away): English stays, and the next choice tries again.
    (err: unknown) => console.warn(`maildock: the ${language} catalog did not load`, err),
  );
}

show(resolveLanguage(setting));

/**
 * The server's first screen (first-screen/render.tsx): the language a browser asks for (its
 * Accept-Language, most wanted first), its catalog loaded. `show()` makes it the one shown,
 * dates and numbers in the browser's variant of it, at once: the render follows it directly.
 */
export async function languageFor(
  tags: readonly string[],
): Promise<{ language: Language; show(): void }> {
  const language = systemLanguage(tags);
  if (language !== 'en' && !i18n.hasResourceBundle(language, 'translation')) {
    i18n.addResourceBundle(language, 'translation', await catalogs[language]());
  }
  return {
    language,
    show() {
      void i18n.changeLanguage(language);
      setLocale(localeFor(language, tags));
    },
  };
}

/** Settles once the language asked for last is the one shown (or could not be loaded). */
export const languageReady = (): Promise<void> => ready;

const listeners = new Set<() => void>();

/** Picks the language (or the system's again); everything shown follows at once. */
export function setLanguage(next: LanguageSetting): void {
  setting = next;
  safeSet(LANGUAGE_KEY, next);
  show(resolveLanguage(next));
  for (const fn of listeners) fn();
}

// The system's language can change while the page is open (a browser setting).
if (typeof window !== 'undefined') {
  window.addEventListener('languagechange', () => {
    if (setting === 'system') show(systemLanguage());
  });
}

const subscribe = (fn: () => void) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};

/** The language setting as Settings shows it: the system's, or one picked. */
export function useLanguageSetting(): [LanguageSetting, (next: LanguageSetting) => void] {
  const now = () => setting;
  const value = useSyncExternalStore(subscribe, now, now);
  return [value, setLanguage];
}
