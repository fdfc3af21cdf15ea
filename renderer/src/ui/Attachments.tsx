// A message's attachments with name, type and size; saving one fetches it through the
// contract (downloaded by the core on first use) and hands it to the browser as a file.
// Opening is offered only for types the browser shows inertly (pictures, PDF, plain text):
// never HTML or SVG, which would run in the app's own origin. Pictures and PDFs show a
// thumbnail made in the page (mail/thumbnails.ts) where the icon stands, once it is ready.
import { useEffect, useRef, useState } from 'react';
import type { Attachment } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { errorText } from '../i18n/error-words.js';
import { useTranslation } from '../i18n/index.js';
import { fileSize } from '../format.js';
import { base64ToBytes } from '../mail/files.js';
import type { Thumbnail } from '../mail/thumbnail-kind.js';
import { thumbnailsOf } from '../mail/thumbnails.js';
import './attachments.css';

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
            <Preview attachment={a} />
            <span className="attachment-text">
              <span className="attachment-name">{a.filename ?? t('reader.unnamed')}</span>
              <span className="attachment-meta">
                {a.contentType} · {fileSize(a.size)}
              </span>
            </span>
            <span className="attachment-actions">
              {canOpen(a.contentType) ? (
                <button type="button" onClick={() => void fetchAs(a, 'open')}>
                  {t('reader.open')}
                </button>
              ) : null}
              <button type="button" onClick={() => void fetchAs(a, 'save')}>
                {t('reader.save')}
              </button>
            </span>
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

/** The attachment's thumbnail once made, else its icon (which stays when none can be made). */
function Preview(props: { attachment: Attachment }) {
  const { attachment } = props;
  const thumbnails = thumbnailsOf(useClient());
  // undefined while it is being made, null when there is none.
  const [thumbnail, setThumbnail] = useState(() => thumbnails.known(attachment));
  useEffect(() => {
    let shown = true;
    void thumbnails.of(attachment).then((made) => {
      if (shown) setThumbnail(made);
    });
    return () => {
      shown = false;
    };
  }, [thumbnails, attachment]);
  if (!thumbnail) {
    const making = thumbnail === undefined ? ' making' : '';
    return <span className={`attachment-icon${making}`} aria-hidden="true" />;
  }
  return <ThumbnailCanvas thumbnail={thumbnail} name={attachment.filename} />;
}

function ThumbnailCanvas(props: { thumbnail: Thumbnail; name: string | null }) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const { bitmap, width, height } = props.thumbnail;
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    el.width = bitmap.width;
    el.height = bitmap.height;
    el.getContext('2d')?.drawImage(bitmap, 0, 0);
  }, [bitmap]);
  return (
    <canvas
      ref={canvas}
      className="attachment-thumbnail"
      role="img"
      aria-label={t('reader.preview', { name: props.name ?? t('reader.unnamed') })}
      style={{ width, height }}
    />
  );
}
