// A recipients field: addresses as chips, completion from addresses seen in mail. Arrows
// move through the suggestions, Enter or Tab picks one, a comma, semicolon, Enter or leaving
// the field makes chips of what was typed, Backspace in an empty field removes the last
// chip, and a pasted list ("A <a@x>, b@y") becomes chips at once. Invalid ones are marked.
import {
  useEffect,
  useId,
  useRef,
  useState,
  type ClipboardEvent,
  type KeyboardEvent,
  type Ref,
} from 'react';
import type { Contact } from '../../../common/types.js';
import { useEscape } from '../ui/escape.js';
import { useTranslation } from '../i18n/index.js';
import { formatRecipient, parseList, sameAddress, splitList, type Recipient } from './addresses.js';

const SUGGEST_DELAY_MS = 120;

export interface AddressFieldProps {
  label: string;
  recipients: Recipient[];
  text: string;
  onChange(recipients: Recipient[], text: string): void;
  suggest(query: string): Promise<Contact[]>;
  /** Recipients the core adds itself (a reply's): shown, not removable here. */
  locked?: Recipient[] | undefined;
  lockedNote?: string | undefined;
  inputRef?: Ref<HTMLInputElement> | undefined;
}

/** Whether a separator typed now ends an address (not inside "quotes" or <brackets>). */
function atBoundary(text: string): boolean {
  return splitList(`${text},\u0001`).at(-1) === '\u0001';
}

function Chip(props: {
  r: Recipient;
  onRemove?: (() => void) | undefined;
  note?: string | undefined;
}) {
  const { t } = useTranslation();
  const { r } = props;
  const shown = r.name || r.address;
  return (
    <li
      className={`chip${r.valid ? '' : ' chip-invalid'}${props.onRemove ? '' : ' chip-locked'}`}
      title={
        props.note
          ? t('compose.chipNote', { address: formatRecipient(r), note: props.note })
          : formatRecipient(r)
      }
    >
      <span className="chip-text">{shown}</span>
      {r.name && r.address !== shown ? <span className="visually-hidden"> {r.address}</span> : null}
      {r.valid ? null : <span className="chip-problem">{t('compose.notValid')}</span>}
      {props.onRemove ? (
        <button
          type="button"
          className="chip-remove"
          aria-label={t('compose.remove', { name: shown })}
          onClick={props.onRemove}
        >
          ×
        </button>
      ) : null}
    </li>
  );
}

export function AddressField(props: AddressFieldProps) {
  const { t } = useTranslation();
  const { recipients, text, onChange, suggest } = props;
  const id = useId();
  const listId = `${id}-suggestions`;
  const [suggestions, setSuggestions] = useState<Contact[]>([]);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const asked = useRef('');
  // The suggestions close first; the pane's own Escape waits for the next press.
  useEscape(() => setOpen(false), { active: open && suggestions.length > 0 });

  const taken = (a: { address: string }) =>
    recipients.some((r) => sameAddress(r, a)) ||
    (props.locked ?? []).some((r) => sameAddress(r, a));

  useEffect(() => {
    const query = text.trim();
    asked.current = query;
    if (!query) {
      setSuggestions([]);
      setOpen(false);
      return;
    }
    const timer = setTimeout(() => {
      suggest(query).then(
        (list) => {
          if (asked.current !== query) return;
          const fresh = list.filter((c) => !taken(c));
          setSuggestions(fresh);
          setActive(fresh.length ? 0 : -1);
          setOpen(fresh.length > 0);
        },
        () => setOpen(false),
      );
    }, SUGGEST_DELAY_MS);
    return () => clearTimeout(timer);
    // Asked again only when the typed text changes.
  }, [text, suggest]);

  const add = (more: Recipient[], rest = '') => {
    const next = [...recipients];
    for (const r of more) if (!next.some((x) => sameAddress(x, r))) next.push(r);
    asked.current = '';
    setOpen(false);
    setSuggestions([]);
    onChange(next, rest);
  };
  const commit = () => {
    if (text.trim()) add(parseList(text));
  };
  const pick = (c: Contact) => add([{ name: c.name, address: c.address, valid: true }]);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const listed = open && suggestions.length > 0;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        if (!listed) return;
        e.preventDefault();
        setActive((i) => {
          const n = suggestions.length;
          return e.key === 'ArrowDown' ? (i + 1) % n : (i - 1 + n) % n;
        });
        return;
      case 'Enter':
        if (listed && active >= 0) {
          e.preventDefault();
          pick(suggestions[active]!);
        } else if (text.trim()) {
          e.preventDefault();
          commit();
        }
        return;
      case 'Tab':
        // Picks, and lets the focus move on as Tab does.
        if (e.shiftKey) return;
        if (listed && active >= 0) pick(suggestions[active]!);
        else commit();
        return;
      case ',':
      case ';':
        if (text.trim() && atBoundary(text)) {
          e.preventDefault();
          commit();
        }
        return;
      case 'Backspace': {
        const el = e.currentTarget;
        if (text === '' && el.selectionStart === 0 && recipients.length) {
          e.preventDefault();
          onChange(recipients.slice(0, -1), '');
        }
        return;
      }
    }
  };

  const onPaste = (e: ClipboardEvent<HTMLInputElement>) => {
    const pasted = e.clipboardData.getData('text/plain');
    if (!/[,;\n@]/.test(pasted)) return;
    e.preventDefault();
    const el = e.currentTarget;
    const combined =
      text.slice(0, el.selectionStart ?? text.length) +
      pasted +
      text.slice(el.selectionEnd ?? text.length);
    add(parseList(combined));
  };

  const activeId = open && active >= 0 ? `${id}-option-${active}` : undefined;
  return (
    <div className="address-field">
      <label className="compose-label" htmlFor={id}>
        {props.label}
      </label>
      <div className="chips">
        <ul className="chip-list" aria-label={t('compose.recipients', { field: props.label })}>
          {(props.locked ?? []).map((r) => (
            <Chip key={`locked-${r.address}`} r={r} note={props.lockedNote} />
          ))}
          {recipients.map((r, i) => (
            <Chip
              key={`${r.address}-${i}`}
              r={r}
              onRemove={() =>
                onChange(
                  recipients.filter((_, j) => j !== i),
                  text,
                )
              }
            />
          ))}
        </ul>
        <input
          ref={props.inputRef}
          id={id}
          className="address-input"
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={activeId}
          aria-invalid={recipients.some((r) => !r.valid) || undefined}
          value={text}
          onChange={(e) => onChange(recipients, e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onBlur={() => {
            commit();
            setOpen(false);
          }}
        />
      </div>
      <ul
        id={listId}
        role="listbox"
        aria-label={t('compose.suggestionsFor', { field: props.label })}
        className="suggestions"
        hidden={!open}
      >
        {open
          ? suggestions.map((c, i) => (
              <li
                key={c.address}
                id={`${id}-option-${i}`}
                role="option"
                aria-selected={i === active}
                className="suggestion"
                // Keeps the focus in the field, which would otherwise make a chip of the text.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => pick(c)}
              >
                {c.name ? <span className="suggestion-name">{c.name}</span> : null}
                <span className="suggestion-address">{c.address}</span>
              </li>
            ))
          : null}
      </ul>
    </div>
  );
}
