// An error as every pane shows it: one sentence (with the detail and hint when they help)
// and "Copy details", which puts its code, message and fields on the clipboard, so what
// went wrong inside can be reported without ever being dumped on the screen.
import { useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import { errorDetailsText } from '../../../common/error-words.js';
import { describeError } from '../i18n/error-words.js';
import { useTranslation } from '../i18n/index.js';

type ShownError = Pick<ErrorData, 'code' | 'message' | 'fields'>;

async function copy(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Without the async clipboard (an insecure origin): the old way, off screen.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.left = '-9999px';
  document.body.append(area);
  area.select();
  const done = document.execCommand('copy');
  area.remove();
  if (!done) throw new Error('copy refused');
}

export function CopyDetails(props: { error: ShownError }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const onClick = () => {
    copy(errorDetailsText(props.error)).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  return (
    <button type="button" className="error-copy" onClick={onClick}>
      {state === 'copied'
        ? t('states.copied')
        : state === 'failed'
          ? t('states.copyFailed')
          : t('states.copy')}
    </button>
  );
}

export function ErrorDetails(props: {
  error: ShownError;
  /** The class names of the pane it stands in, so it looks like the rest of that pane. */
  className?: string;
  sentenceClass?: string;
  detailClass?: string;
  hintClass?: string;
}) {
  // Renders again in a new language: the sentence is the catalog's.
  useTranslation();
  const w = describeError(props.error);
  return (
    <div className={props.className ?? 'error-details'} role="alert">
      <p className={props.sentenceClass}>{w.sentence}</p>
      {w.detail ? <p className={props.detailClass}>{w.detail}</p> : null}
      {w.hint ? <p className={props.hintClass}>{w.hint}</p> : null}
      <CopyDetails error={props.error} />
    </div>
  );
}
