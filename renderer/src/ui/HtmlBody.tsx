// An HTML message: sanitized, then shown in a sandboxed frame (no scripts, forms, popups or
// navigation of the app) with its own CSP. Remote content stays out until the user loads
// it for this message; links open outside the app after the user saw their real target.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Attachment } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { errorText } from '../i18n/error-words.js';
import { useTranslation } from '../i18n/index.js';
import { applyCidImages, useCidImages } from '../mail/cid-images.js';
import { FRAME_BASE_CSS, FRAME_SANDBOX, frameDocument } from '../mail/frame-doc.js';
import { openExternal } from '../mail/links.js';
import { createMailSanitizer, type MailSanitizer } from '../mail/sanitize.js';

let sanitizer: MailSanitizer | undefined;
const sanitize: MailSanitizer = (html, opts) =>
  (sanitizer ??= createMailSanitizer(window))(html, opts);

type LinkLike = { getAttribute(name: string): string | null };
type Closest = { closest?(selector: string): LinkLike | null };

/** Wires the frame's document from outside: look, link clicks, and the app's keys. */
function wire(frame: HTMLIFrameElement): Document | null {
  const doc = frame.contentDocument;
  const win = frame.contentWindow as (Window & typeof globalThis) | null;
  if (!doc || !win) return null;
  const sheet = new win.CSSStyleSheet();
  sheet.replaceSync(FRAME_BASE_CSS);
  doc.adoptedStyleSheets = [sheet];
  const onLink = (e: MouseEvent) => {
    const a = (e.target as Closest | null)?.closest?.('a[href], area[href]');
    if (!a) return;
    e.preventDefault();
    openExternal(a.getAttribute('href') ?? '');
  };
  doc.addEventListener('click', onLink);
  doc.addEventListener('auxclick', onLink);
  // Keys pressed while the message has focus still drive the app (j/k, /).
  doc.addEventListener('keydown', (e) => {
    window.dispatchEvent(
      new KeyboardEvent('keydown', {
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        shiftKey: e.shiftKey,
      }),
    );
  });
  return doc;
}

/**
 * The frame's content height, as a custom property: a conversation stacks several messages
 * and each frame must be as tall as its message (a lone message fills the reader instead).
 * A message sized by its frame (`html, body { height: 100% }`, `100vh`) outgrows any height
 * it is given by the same overflow each time: the second such step is not taken, or the
 * frame would grow to its cap.
 */
function fitHeight(frame: HTMLIFrameElement, doc: Document): void {
  const win = frame.contentWindow as (Window & typeof globalThis) | null;
  if (!win) return;
  let lastOverflow = -1;
  const set = () => {
    const root = doc.documentElement;
    const overflow = root.scrollHeight - root.clientHeight;
    if (overflow > 0 && overflow === lastOverflow) return;
    lastOverflow = overflow;
    frame.style.setProperty('--content-height', `${root.scrollHeight}px`);
  };
  set();
  new win.ResizeObserver(set).observe(doc.documentElement);
}

export function HtmlBody(props: {
  html: string;
  attachments: readonly Attachment[];
  /** The sender's address, for "always load from this sender". */
  sender: string | null;
  /** The user allows remote content from this sender already. */
  senderAllowed: boolean;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const [senderAllowed, setSenderAllowed] = useState(props.senderAllowed);
  const [forMessage, setForMessage] = useState(false);
  const [trustError, setTrustError] = useState<string | null>(null);
  const allowRemote = forMessage || senderAllowed;
  const { sender } = props;
  const trust = (allow: boolean) => {
    if (!sender) return;
    client.call('sender.remoteContent', { address: sender, allow }).then(
      () => {
        setTrustError(null);
        setSenderAllowed(allow);
        if (!allow) setForMessage(false);
      },
      (err: unknown) => setTrustError(errorText(errorDataOf(err))),
    );
  };
  const mail = useMemo(() => sanitize(props.html, { allowRemote }), [props.html, allowRemote]);
  const srcDoc = useMemo(() => frameDocument(mail.html, allowRemote), [mail.html, allowRemote]);
  const images = useCidImages(client, mail.cids, props.attachments);
  const frame = useRef<HTMLIFrameElement>(null);
  const [doc, setDoc] = useState<Document | null>(null);

  useEffect(() => {
    if (doc) applyCidImages(doc, images);
  }, [doc, images]);

  return (
    <div className="html-body">
      {mail.remoteBlocked > 0 && !allowRemote ? (
        <div className="remote-bar" role="status">
          <span>{t('reader.remoteBlocked', { count: mail.remoteBlocked })}</span>
          <span className="remote-actions">
            <button type="button" onClick={() => setForMessage(true)}>
              {t('reader.loadImages')}
            </button>
            {sender ? (
              <button type="button" onClick={() => trust(true)}>
                {t('reader.alwaysFrom', { sender })}
              </button>
            ) : null}
          </span>
        </div>
      ) : null}
      {senderAllowed && sender ? (
        <p className="remote-note" role="status">
          {t('reader.remoteShown', { sender })}{' '}
          <button type="button" className="link-button" onClick={() => trust(false)}>
            {t('reader.blockAgain')}
          </button>
        </p>
      ) : null}
      {trustError ? (
        <p className="remote-note" role="alert">
          {trustError}
        </p>
      ) : null}
      {mail.trackersRemoved > 0 ? (
        <p className="tracker-note">{t('reader.trackers', { count: mail.trackersRemoved })}</p>
      ) : null}
      <iframe
        ref={frame}
        className="mail-frame"
        title={t('reader.body')}
        sandbox={FRAME_SANDBOX}
        referrerPolicy="no-referrer"
        srcDoc={srcDoc}
        onLoad={() => {
          const f = frame.current;
          const d = f ? wire(f) : null;
          if (f && d) fitHeight(f, d);
          setDoc(d);
        }}
      />
    </div>
  );
}
