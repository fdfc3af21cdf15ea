// A message's attachments with name, type and size; saving one fetches it through the
// contract (downloaded by the core on first use) and hands it to the browser as a file.
// Opening is offered only for types the browser shows inertly (pictures, PDF, plain text):
// never HTML or SVG, which would run in the app's own origin.
import { useState } from 'react';
import type { Attachment } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { errorText } from '../i18n/error-words.js';
import { useTranslation } from '../i18n/index.js';
import { fileSize } from '../format.js';
import { base64ToBytes } from '../mail/files.js';

const OPENABLE = /^(image\/(png|jpeg|gif|webp|avif|bmp)|application\/pdf|text\/plain)$/i;
export const canOpen = (contentType: string) => OPENABLE.test(contentType.trim());

export function Attachments(props: { attachments: readonly Attachment[] }) {
  const { t } = useTranslation();
  const client = useClient();
  const [problem, setProblem] = useState<string | null>(null);
  // Inline images referred to by the HTML are part of the body, not files to list.
  const files = props.attachments.filter((a) => !a.inline || a.filename);
  if (files.length === 0) return null;

  const fetchAs = async (a: Attachment, how: 'save' | 'open') => {
    setProblem(null);
    // The tab must exist before the await, or the browser takes it for a popup.
    const tab = how === 'open' ? window.open('', '_blank') : null;
    try {
      const got = await client.call('attachment.get', { id: a.id });
      // Saved as opaque bytes; opened only as one of the inert types above.
      const type =
        how === 'open' && canOpen(got.contentType) ? got.contentType : 'application/octet-stream';
      const url = URL.createObjectURL(new Blob([base64ToBytes(got.data)], { type }));
      if (tab) {
        tab.opener = null;
        tab.location.href = url;
      } else {
        const link = document.createElement('a');
        link.href = url;
        link.download = got.filename ?? 'attachment';
        link.click();
      }
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      tab?.close();
      const e = errorDataOf(err);
      setProblem(errorText(e));
    }
  };

  return (
    <div className="attachments">
      <ul aria-label={t('reader.attachments')}>
        {files.map((a) => (
          <li key={a.id} className="attachment">
            <span className="attachment-name">{a.filename ?? t('reader.unnamed')}</span>
            <span className="attachment-meta">
              {a.contentType} · {fileSize(a.size)}
            </span>
            {canOpen(a.contentType) ? (
              <button type="button" onClick={() => void fetchAs(a, 'open')}>
                {t('reader.open')}
              </button>
            ) : null}
            <button type="button" onClick={() => void fetchAs(a, 'save')}>
              {t('reader.save')}
            </button>
          </li>
        ))}
      </ul>
      {problem ? (
        <p className="attachment-problem" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
