// The subject of a reply or forward: one "Re:" or "Fwd:", never a second on top of one the
// original already carries (in the languages mail clients commonly write it in). The core
// composes with it and the UI shows the same subject before the message leaves.
const REPLY_PREFIX = /^\s*(re|aw|sv|antw|vs|ref)\s*(\[\d+\])?\s*:/i;
const FORWARD_PREFIX = /^\s*(fwd?|wg|tr|rv|enc)\s*(\[\d+\])?\s*:/i;

export function replySubject(subject: string): string {
  const s = subject.trim();
  return REPLY_PREFIX.test(s) ? s : `Re: ${s}`;
}

export function forwardSubject(subject: string): string {
  const s = subject.trim();
  return FORWARD_PREFIX.test(s) ? s : `Fwd: ${s}`;
}
