import { useState } from 'react';
import { useTranslation } from '../i18n/index.js';
import { applyTheme, storedTheme, type Theme } from './theme.js';

const THEMES: readonly Theme[] = ['system', 'light', 'dark'];

export function ThemeSwitch() {
  const { t } = useTranslation();
  const [theme, setTheme] = useState<Theme>(storedTheme);
  return (
    <label className="theme-switch">
      <span className="visually-hidden">{t('topbar.theme')}</span>
      <select
        value={theme}
        onChange={(e) => {
          const t = e.target.value as Theme;
          setTheme(t);
          applyTheme(t);
        }}
      >
        {THEMES.map((name) => (
          <option key={name} value={name}>
            {t(`topbar.themes.${name}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
