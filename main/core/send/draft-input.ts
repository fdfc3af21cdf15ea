// A local draft as compose input again, for the writer to go on with it. The draft row keeps
// what was typed (its `compose` JSON) without the attachments' bytes, which exist only in
// its MIME: they are read back from there, each matched to the attachment it was given as.
import { basename } from 'node:path';
import type { MethodOutput } from '../../../common/api.js';
import { MaildockError } from '../../../common/errors.js';
import type { ComposeInput } from '../../../common/types.js';
import type { DraftRecord } from '../store/index.js';

type StoredAttachment = Partial<ComposeInput['attachments'][number]>;
type StoredCompose = Partial<Omit<ComposeInput, 'attachments'>> & {
  attachments?: StoredAttachment[];
};

interface MimePart {
  content: Buffer;
  filename?: string | undefined;
  contentType: string;
  cid?: string | undefined;
}

const plainCid = (cid: string) => cid.replace(/^<|>$/g, '');

/**
 * The part this attachment became: by Content-ID for an inline image, else by file name and
 * type. Parts come in MIME order, where the writer's attachments precede those a forward
 * adds, so the first unused match is the writer's own.
 */
function matchPart(a: StoredAttachment, parts: MimePart[], used: Set<MimePart>): MimePart | null {
  const free = parts.filter((p) => !used.has(p));
  if (a.contentId) return free.find((p) => p.cid && plainCid(p.cid) === a.contentId) ?? null;
  const name = a.filename ?? (a.path !== undefined ? basename(a.path) : undefined);
  const sameName = free.filter((p) => name === undefined || p.filename === name);
  return (
    sameName.find((p) => !a.contentType || p.contentType === a.contentType) ?? sameName[0] ?? null
  );
}

export async function draftInput(d: DraftRecord): Promise<MethodOutput<'draft.get'>> {
  const c = (d.compose ?? {}) as StoredCompose;
  const wanted = c.attachments ?? [];
  let parts: MimePart[] = [];
  if (wanted.length) {
    const { simpleParser } = await import('mailparser');
    const parsed = await simpleParser(d.raw, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
    });
    parts = parsed.attachments;
  }
  const used = new Set<MimePart>();
  const attachments = wanted.map((a) => {
    const part = matchPart(a, parts, used);
    if (!part) {
      throw new MaildockError(
        'PARSE_FAILED',
        `An attachment of draft ${d.id} could not be read back.`,
        {
          id: d.id,
        },
      );
    }
    used.add(part);
    const filename = a.filename ?? part.filename;
    return {
      content: part.content.toString('base64'),
      ...(filename ? { filename } : {}),
      contentType: a.contentType ?? part.contentType,
      ...(a.contentId ? { contentId: a.contentId } : {}),
    };
  });
  return {
    id: d.id,
    accountId: d.accountId,
    to: c.to ?? [],
    cc: c.cc ?? [],
    bcc: c.bcc ?? [],
    ...(c.subject !== undefined ? { subject: c.subject } : {}),
    ...(c.text !== undefined ? { text: c.text } : {}),
    ...(c.html !== undefined ? { html: c.html } : {}),
    ...(c.from !== undefined ? { from: c.from } : {}),
    ...(c.reference ? { reference: c.reference } : {}),
    attachments,
  };
}
