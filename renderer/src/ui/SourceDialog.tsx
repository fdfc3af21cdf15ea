// "View source": the message exactly as the server has it, as text in a monospace block
// (never parsed as HTML), with Copy and Save as .eml. A source over 2 MB shows its start
// only, with a note; the saved file is always whole.
import { useMemo, useState } from 'react';
import { useTranslation } from '../i18n/index.js';
import { fileSize } from '../format.js';
import { saveBytes } from '../mail/files.js';
import { SOURCE_SHOWN_MAX, sourceText } from '../mail/source-text.js';
import { Dialog } from './Dialog.js';

export interface MessageSource {
  filename: string;
  bytes: Uint8Array<ArrayBuffer>;
}

export function SourceDialog(props: { subject: string; source: MessageSource; onClose(): void }) {
  const { t } = useTranslation();
  const { source } = props;
  const shown = useMemo(() => sourceText(source.bytes), [source.bytes]);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = () => {
    navigator.clipboard.writeText(shown.text).then(
      () => setCopied('yes'),
      () => setCopied('no'),
    );
  };
  return (
    <Dialog
      title={t('source.title', { subject: props.subject })}
      onClose={props.onClose}
      className="source-dialog"
    >
      <div className="source-body">
        {shown.truncated ? (
          <p className="source-note" role="note">
            {t('source.truncated', {
              size: fileSize(source.bytes.length),
              shown: fileSize(SOURCE_SHOWN_MAX),
            })}
          </p>
        ) : null}
        <pre className="source-text" tabIndex={0} aria-label={t('source.label')}>
          {shown.text}
        </pre>
        <div className="folder-dialog-buttons">
          <span className="source-copied" role="status">
            {copied === 'yes' ? t('source.copied') : copied === 'no' ? t('source.copyFailed') : ''}
          </span>
          <button
            type="button"
            onClick={() => saveBytes(source.bytes, source.filename, 'message/rfc822')}
          >
            {t('reader.saveEml')}
          </button>
          <button type="button" className="primary" onClick={copy} data-autofocus>
            {t('source.copy')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
