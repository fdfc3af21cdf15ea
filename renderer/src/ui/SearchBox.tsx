// The search field: Enter searches, Escape (or clearing it) goes back to the folder.
import { useState, type Ref } from 'react';
import { useTranslation } from '../i18n/index.js';

export function SearchBox(props: {
  inputRef: Ref<HTMLInputElement>;
  active: string | null;
  onSearch(query: string): void;
  onClear(): void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  return (
    <form
      className="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const q = text.trim();
        if (q) props.onSearch(q);
        else props.onClear();
      }}
    >
      <input
        ref={props.inputRef}
        type="search"
        name="q"
        aria-label={t('topbar.searchLabel')}
        placeholder={t('topbar.searchPlaceholder')}
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (!e.target.value && props.active !== null) props.onClear();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setText('');
            props.onClear();
            e.currentTarget.blur();
          }
        }}
      />
    </form>
  );
}
