// The UI's language in "This app": the system's (named, so it is clear what it is now), or
// one picked; it applies at once, without a reload.
import { useId } from 'react';
import {
  LANGUAGES,
  systemLanguage,
  useLanguageSetting,
  useTranslation,
  type LanguageSetting,
} from '../i18n/index.js';

export function LanguagePicker() {
  const { t } = useTranslation();
  const [setting, setSetting] = useLanguageSetting();
  const id = useId();
  return (
    <p className="app-language">
      <label htmlFor={id}>{t('settings.language')}</label>{' '}
      <select
        id={id}
        value={setting}
        onChange={(e) => setSetting(e.target.value as LanguageSetting)}
      >
        <option value="system">
          {t('settings.languages.system', {
            language: t(`settings.languages.${systemLanguage()}`),
          })}
        </option>
        {LANGUAGES.map((language) => (
          // Each language by its own name, as people look for it.
          <option key={language} value={language} lang={language}>
            {t(`settings.languages.${language}`)}
          </option>
        ))}
      </select>
    </p>
  );
}
