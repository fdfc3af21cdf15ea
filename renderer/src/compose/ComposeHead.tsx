// The compose pane's title bar (its title, whether the draft is saved, minimize, enlarge,
// close) and the prompt shown before what was written is thrown away.
import { useEffect, useRef } from 'react';
import { useEscape } from '../ui/escape.js';
import { errorText } from '../i18n/error-words.js';
import { useTranslation } from '../i18n/index.js';
import type { ComposeSession } from './session.js';

export type PaneSize = 'docked' | 'minimized' | 'large';

function SaveState(props: { session: ComposeSession }) {
  const { t } = useTranslation();
  const s = props.session;
  let text = '';
  if (s.saveState === 'saving') text = t('compose.saving');
  else if (s.saveState === 'saved') text = s.dirty ? t('compose.edited') : t('compose.saved');
  else if (s.saveState === 'failed' && s.saveError)
    text = t('compose.notSaved', { problem: errorText(s.saveError) });
  return (
    <span className={`save-state save-${s.saveState}`} role="status" aria-live="polite">
      {text}
    </span>
  );
}

export function ComposeHead(props: {
  title: string;
  session: ComposeSession;
  size: PaneSize;
  onSize(size: PaneSize): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { size, onSize } = props;
  const minimized = size === 'minimized';
  return (
    // A minimized pane's bar opens it again with a click anywhere but its buttons, as docked
    // panes do; the Restore button is the keyboard's way.
    <header
      className="compose-head"
      onClick={(e) => {
        if (minimized && !(e.target as Element).closest('button')) onSize('docked');
      }}
    >
      <h2 id="compose-title">{props.title}</h2>
      <SaveState session={props.session} />
      <span className="compose-window">
        <button
          type="button"
          aria-label={minimized ? t('compose.restore') : t('compose.minimize')}
          title={minimized ? t('compose.restore') : t('compose.minimize')}
          onClick={() => onSize(minimized ? 'docked' : 'minimized')}
        >
          {minimized ? '▴' : '▁'}
        </button>
        <button
          type="button"
          aria-label={size === 'large' ? t('compose.dock') : t('compose.enlarge')}
          title={size === 'large' ? t('compose.dock') : t('compose.enlarge')}
          onClick={() => onSize(size === 'large' ? 'docked' : 'large')}
        >
          {size === 'large' ? '⤡' : '⤢'}
        </button>
        <button
          type="button"
          className="compose-close"
          aria-label={t('compose.closeKeep')}
          title={t('compose.closeKeep')}
          onClick={props.onClose}
        >
          ×
        </button>
      </span>
    </header>
  );
}

export function DiscardPrompt(props: { onDiscard(): void; onSave(): void; onStay(): void }) {
  const { t } = useTranslation();
  const stay = useRef<HTMLButtonElement>(null);
  useEffect(() => stay.current?.focus(), []);
  useEscape(props.onStay);
  return (
    <div
      className="compose-confirm"
      role="alertdialog"
      aria-labelledby="compose-confirm-title"
      aria-modal="true"
    >
      <p id="compose-confirm-title">{t('compose.discardQuestion')}</p>
      <div className="compose-confirm-actions">
        <button type="button" className="danger" onClick={props.onDiscard}>
          {t('compose.discard')}
        </button>
        <button type="button" onClick={props.onSave}>
          {t('compose.keepDraft')}
        </button>
        <button type="button" ref={stay} onClick={props.onStay}>
          {t('compose.keepWriting')}
        </button>
      </div>
    </div>
  );
}
