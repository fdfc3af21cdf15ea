// The message's own inline images (cid: references in its HTML), fetched through
// attachment.get and handed to the frame as data: URLs, the one kind of image its CSP
// allows besides remote ones the user let in.
import { useEffect, useState } from 'react';
import type { Attachment } from '../../../common/types.js';
import type { MaildockClient } from '../client/client.js';
import { normalizeCid } from '../../../common/mail-html/policy.js';

/** Larger inline images are left out: base64 in a data: URL costs memory four times over. */
export const MAX_INLINE_IMAGE = 8 * 1024 * 1024;
const IMAGE_TYPE = /^image\/[a-z0-9.+-]+$/i;

export function inlineImageFor(cid: string, attachments: readonly Attachment[]) {
  return attachments.find(
    (a) =>
      a.contentId !== null &&
      normalizeCid(a.contentId) === cid &&
      IMAGE_TYPE.test(a.contentType) &&
      a.size <= MAX_INLINE_IMAGE,
  );
}

/** cid → data: URL, filled in as the images arrive; failures just leave an image out. */
export function useCidImages(
  client: MaildockClient,
  cids: readonly string[],
  attachments: readonly Attachment[],
): ReadonlyMap<string, string> {
  const [urls, setUrls] = useState<ReadonlyMap<string, string>>(new Map());
  const key = cids.join('\n');
  useEffect(() => {
    let live = true;
    setUrls(new Map());
    for (const cid of key ? key.split('\n') : []) {
      const att = inlineImageFor(cid, attachments);
      if (!att) continue;
      client.call('attachment.get', { id: att.id }).then(
        (a) => {
          if (!live || !IMAGE_TYPE.test(a.contentType)) return;
          setUrls((prev) => new Map(prev).set(cid, `data:${a.contentType};base64,${a.data}`));
        },
        () => undefined,
      );
    }
    return () => {
      live = false;
    };
  }, [client, key, attachments]);
  return urls;
}

/** Puts the fetched images into the frame's document (reachable: same origin, no scripts). */
export function applyCidImages(doc: Document, urls: ReadonlyMap<string, string>): void {
  for (const img of doc.querySelectorAll('img[src^="cid:" i]')) {
    const url = urls.get(normalizeCid((img.getAttribute('src') ?? '').slice(4)));
    if (url) img.setAttribute('src', url);
  }
}
