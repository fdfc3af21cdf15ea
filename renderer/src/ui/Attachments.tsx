// A message's attachments with name, type and size; saving one fetches it through the
// contract (downloaded by the core on first use) and hands it to the browser as a file.
import { useState } from 'react';
import type { Attachment } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { ERROR_TEXT } from '../../../common/errors.js';
import { fileSize } from '../format.js';

function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export function Attachments(props: { attachments: readonly Attachment[] }) {
  const client = useClient();
  const [problem, setProblem] = useState<string | null>(null);
  // Inline images referred to by the HTML are part of the body, not files to list.
  const files = props.attachments.filter((a) => !a.inline || a.filename);
  if (files.length === 0) return null;

  const save = async (a: Attachment) => {
    setProblem(null);
    try {
      const got = await client.call('attachment.get', { id: a.id });
      // Saved as opaque bytes: the browser must not render what it downloads.
      const blob = new Blob([base64ToBytes(got.data)], { type: 'application/octet-stream' });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = got.filename ?? 'attachment';
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      const e = errorDataOf(err);
      setProblem(`${ERROR_TEXT[e.code]} ${e.message}`);
    }
  };

  return (
    <div className="attachments">
      <ul aria-label="Attachments">
        {files.map((a) => (
          <li key={a.id} className="attachment">
            <span className="attachment-name">{a.filename ?? '(unnamed)'}</span>
            <span className="attachment-meta">
              {a.contentType} · {fileSize(a.size)}
            </span>
            <button type="button" onClick={() => void save(a)}>
              Save
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
