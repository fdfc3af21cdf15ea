// The search field: results follow the typing (a search at each pause of SEARCH_PAUSE_MS),
// Enter searches at once, Escape (or clearing it) goes back to the folder. The field is the
// box's own state, so typing never waits on a search; the list keeps the last answer until
// the next one is in (state/use-list.ts).
import { useEffect, useRef, useState, type Ref } from 'react';
import { useTranslation } from '../i18n/index.js';

/** How long the typing pauses before the search is asked: short enough to feel immediate. */
export const SEARCH_PAUSE_MS = 150;

export function SearchBox(props: {
  inputRef: Ref<HTMLInputElement>;
  active: string | null;
  onSearch(query: string): void;
  onClear(): void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancel = () => {
    if (pending.current !== null) clearTimeout(pending.current);
    pending.current = null;
  };
  useEffect(() => cancel, []);
  // What was typed as it stands: spaces at its end matter (a word followed by one is whole,
  // search-query.ts), at its start they do not.
  const ask = (value: string) => {
    cancel();
    const q = value.trimStart();
    if (q.trim()) props.onSearch(q);
    else if (props.active !== null) props.onClear();
  };
  return (
    <form
      className="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        ask(text);
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
          const value = e.target.value;
          setText(value);
          cancel();
          if (!value.trim()) ask(value);
          else pending.current = setTimeout(() => ask(value), SEARCH_PAUSE_MS);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            cancel();
            setText('');
            props.onClear();
            e.currentTarget.blur();
          }
        }}
      />
    </form>
  );
}
