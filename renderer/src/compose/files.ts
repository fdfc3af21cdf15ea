// Files the writer attaches, read in the browser: the server takes attachments only as
// content (base64), never as a path. Each file may be up to 25 MB; all of them together
// must fit the server's request limit once base64 has grown them by a third.
import { fileSize } from '../format.js';
import { i18n } from '../i18n/index.js';

export const MAX_FILE_BYTES = 25 * 1024 * 1024;
/** 70 MB are 93 MB of base64, under the 100 MiB a request to `maildock serve` may carry. */
export const MAX_TOTAL_BYTES = 70 * 1024 * 1024;

export interface PendingAttachment {
  /** Unique in one compose session, for React and for removing. */
  key: string;
  filename: string;
  contentType: string;
  size: number;
  /** base64 */
  content: string;
  contentId?: string | undefined;
}

const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+$/;
let counter = 0;
export const attachmentKey = () => `a${++counter}`;

export function typeOf(file: { type: string }): string {
  return CONTENT_TYPE.test(file.type) ? file.type : 'application/octet-stream';
}

/** Why a file cannot be attached next to those already there, or null when it can. */
export function refusal(file: { name: string; size: number }, already: number): string | null {
  if (file.size > MAX_FILE_BYTES) {
    return i18n.t('compose.tooBig', { name: file.name, size: fileSize(file.size) });
  }
  if (already + file.size > MAX_TOTAL_BYTES) {
    return i18n.t('compose.tooMuch', { name: file.name });
  }
  return null;
}

function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
}

export async function readAttachment(file: File): Promise<PendingAttachment> {
  return {
    key: attachmentKey(),
    filename: (file.name || 'attachment').slice(0, 255),
    contentType: typeOf(file),
    size: file.size,
    content: await readBase64(file),
  };
}

/** The bytes a base64 string stands for. */
export function base64Size(b64: string): number {
  const clean = b64.replace(/\s/g, '');
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - pad;
}
