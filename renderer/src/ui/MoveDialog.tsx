// "Move to…": the folders the selection can go to, filtered as one types; arrows and Enter
// pick one. Messages of several accounts can go only to a folder every one of them has,
// named by its path.
import { useMemo, useState } from 'react';
import { useTranslation } from '../i18n/index.js';
import { Dialog } from './Dialog.js';
import type { MoveChoice, MoveTarget } from './move-choices.js';

export function MoveDialog(props: {
  choices: MoveChoice[];
  count: number;
  onMove(target: MoveTarget, label: string): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const [at, setAt] = useState(0);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f ? props.choices.filter((c) => c.label.toLowerCase().includes(f)) : props.choices;
  }, [filter, props.choices]);
  const active = Math.min(at, Math.max(0, shown.length - 1));
  const pick = (c: MoveChoice | undefined) => c && props.onMove(c.target, c.label);
  return (
    <Dialog
      title={t('move.title', { count: props.count })}
      onClose={props.onClose}
      className="move-dialog"
    >
      <input
        type="search"
        className="move-filter"
        aria-label={t('move.filter')}
        placeholder={t('move.filter')}
        value={filter}
        data-autofocus
        role="combobox"
        aria-expanded="true"
        aria-controls="move-choices"
        aria-activedescendant={shown[active] ? `move-choice-${active}` : undefined}
        onChange={(e) => {
          setFilter(e.target.value);
          setAt(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setAt(Math.min(shown.length - 1, active + 1));
          else if (e.key === 'ArrowUp') setAt(Math.max(0, active - 1));
          else if (e.key === 'Enter') pick(shown[active]);
          else return;
          e.preventDefault();
        }}
      />
      {shown.length === 0 ? (
        <p className="move-none" role="status">
          {props.choices.length === 0 ? t('move.noShared') : t('move.noMatch')}
        </p>
      ) : (
        <ul
          id="move-choices"
          className="move-choices"
          role="listbox"
          aria-label={t('move.folders')}
        >
          {shown.map((c, i) => (
            <li
              key={c.label}
              id={`move-choice-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseEnter={() => setAt(i)}
              onClick={() => pick(c)}
            >
              {c.label}
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
