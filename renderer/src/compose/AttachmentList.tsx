// The message's files: each with its name and size and a button to take it off, the picker
// to add more, and (for a forward) the original's files, which the core attaches itself.
import { useId, useRef } from 'react';
import { fileSize } from '../format.js';
import type { PendingAttachment } from './files.js';
import { useTranslation } from '../i18n/index.js';

export interface IncludedFile {
  name: string;
  size: number | null;
}

export function AttachmentList(props: {
  attachments: PendingAttachment[];
  included: IncludedFile[];
  includedNote: string;
  reading: number;
  problems: string[];
  onPick(files: File[]): void;
  onRemove(key: string): void;
}) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  return (
    <section className="compose-attachments" aria-label={t('compose.attachments')}>
      <div className="compose-attach-bar">
        <input
          ref={input}
          id={id}
          className="visually-hidden"
          type="file"
          multiple
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => {
            props.onPick([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
        <button type="button" className="attach-button" onClick={() => input.current?.click()}>
          {t('compose.attach')}
        </button>
        <span className="compose-hint">{t('compose.attachHint')}</span>
        {props.reading > 0 ? (
          <span className="compose-hint" role="status">
            {t('compose.readingFiles', { count: props.reading })}
          </span>
        ) : null}
      </div>
      {props.problems.map((p) => (
        <p key={p} className="compose-problem" role="alert">
          {p}
        </p>
      ))}
      {props.attachments.length || props.included.length ? (
        <ul className="compose-files">
          {props.attachments.map((a) => (
            <li key={a.key} className="compose-file">
              <span className="compose-file-name">{a.filename}</span>
              <span className="compose-file-size">{fileSize(a.size)}</span>
              <button
                type="button"
                aria-label={t('compose.remove', { name: a.filename })}
                onClick={() => props.onRemove(a.key)}
              >
                ×
              </button>
            </li>
          ))}
          {props.included.map((f) => (
            <li
              key={`included-${f.name}`}
              className="compose-file compose-file-included"
              title={props.includedNote}
            >
              <span className="compose-file-name">{f.name}</span>
              {f.size !== null ? (
                <span className="compose-file-size">{fileSize(f.size)}</span>
              ) : null}
              <span className="compose-hint">{props.includedNote}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
