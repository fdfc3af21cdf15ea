// A plain-text message: the text as written, links clickable (asked before leaving the
// app), quoted passages folded. Rendered as elements, never as HTML.
import { useMemo } from 'react';
import { openExternal } from '../mail/links.js';
import { plainTextBlocks, type Line } from '../mail/plain-text.js';
import { useTranslation } from '../i18n/index.js';

function LineView(props: { line: Line }) {
  const { line } = props;
  return (
    <div className={`line${line.depth ? ` quote-${Math.min(line.depth, 4)}` : ''}`}>
      {line.segments.length === 0
        ? '\u200b'
        : line.segments.map((s, i) =>
            s.kind === 'link' ? (
              <a
                key={i}
                href={s.href}
                rel="noopener noreferrer"
                onClick={(e) => {
                  e.preventDefault();
                  openExternal(s.href);
                }}
              >
                {s.text}
              </a>
            ) : (
              <span key={i}>{s.text}</span>
            ),
          )}
    </div>
  );
}

export function PlainBody(props: { text: string }) {
  const { t } = useTranslation();
  const blocks = useMemo(() => plainTextBlocks(props.text), [props.text]);
  return (
    <div className="plain-body">
      {blocks.map((b, i) =>
        b.kind === 'quote' ? (
          <details key={i} className="quote">
            <summary>{t('reader.quoted', { count: b.lines.length })}</summary>
            {b.lines.map((l, j) => (
              <LineView key={j} line={l} />
            ))}
          </details>
        ) : (
          b.lines.map((l, j) => <LineView key={`${i}-${j}`} line={l} />)
        ),
      )}
    </div>
  );
}
