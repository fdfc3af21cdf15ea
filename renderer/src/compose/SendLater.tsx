// "Send later": in an hour, tomorrow at 8:00, or a date and time the writer picks; the
// message waits in the outbox until then (outbox.send's sendAt).
import { useRef, useState, type FormEvent } from 'react';
import { useEscape } from '../ui/escape.js';
import { useTranslation } from '../i18n/index.js';
import {
  fromLocalInput,
  inOneHour,
  isoWithOffset,
  laterLabel,
  toLocalInput,
  tomorrowAtEight,
} from './send-later.js';

export function SendLater(props: { disabled: boolean; onSchedule(sendAt: string): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [picking, setPicking] = useState(false);
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  // Escape closes this menu and nothing else, wherever the focus is (often on the toggle).
  useEscape(
    () => {
      setOpen(false);
      toggle.current?.focus();
    },
    { active: open },
  );
  const now = new Date();
  const choices: [string, Date][] = [
    [t('compose.later.inAnHour', { time: laterLabel(inOneHour(now), now) }), inOneHour(now)],
    [t('compose.later.tomorrow'), tomorrowAtEight(now)],
  ];
  const schedule = (d: Date) => {
    setOpen(false);
    setPicking(false);
    props.onSchedule(isoWithOffset(d));
  };
  const pick = (e: FormEvent) => {
    e.preventDefault();
    const d = fromLocalInput(value);
    if (!d) return setProblem(t('compose.later.pickProblem'));
    if (d.getTime() <= Date.now()) return setProblem(t('compose.later.pastProblem'));
    schedule(d);
  };
  return (
    <div className="send-later">
      <button
        ref={toggle}
        type="button"
        aria-expanded={open}
        disabled={props.disabled}
        onClick={() => {
          setOpen((v) => !v);
          setPicking(false);
          setProblem(null);
        }}
      >
        {t('compose.later.button')}
      </button>
      {open ? (
        <div className="send-later-menu" role="group" aria-label={t('compose.later.menu')}>
          {choices.map(([label, d]) => (
            <button key={label} type="button" onClick={() => schedule(d)}>
              {label}
            </button>
          ))}
          {picking ? (
            <form onSubmit={pick} className="send-later-pick">
              <label htmlFor="send-later-at">{t('compose.later.sendAt')}</label>
              <input
                id="send-later-at"
                type="datetime-local"
                autoFocus
                min={toLocalInput(now)}
                value={value}
                onChange={(e) => setValue(e.target.value)}
              />
              <button type="submit">{t('compose.later.schedule')}</button>
              {problem ? (
                <span className="compose-problem" role="alert">
                  {problem}
                </span>
              ) : null}
            </form>
          ) : (
            <button
              type="button"
              onClick={() => {
                setPicking(true);
                setValue(toLocalInput(tomorrowAtEight(new Date())));
              }}
            >
              {t('compose.later.pick')}
            </button>
          )}
        </div>
      ) : null}
    </div>
  );
}
