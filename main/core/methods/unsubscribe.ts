// message.unsubscribe: leaves the list a message came through as its List-Unsubscribe
// headers offer, best first: RFC 8058's one-click POST, else a mail to the list's mailto:
// address (queued in the outbox like any other, from the account the message came to),
// else the link, which only the user can follow (a page to read, often a form).
import { MaildockError } from '../../../common/errors.js';
import { methods, type MethodOutput } from '../../../common/api.js';
import { oneClickUnsubscribe } from '../net/one-click.js';
import { parseMailto } from '../send/mailto.js';
import type { MethodContext } from './context.js';
import { outboxMethods } from './outbox.js';

type Unsubscribed = MethodOutput<'message.unsubscribe'>;

export async function unsubscribe(ctx: MethodContext, id: number): Promise<Unsubscribed> {
  const detail = await ctx.store.messages.detail(id);
  if (!detail)
    throw new MaildockError('NOT_FOUND', `There is no message ${id}.`, { messageId: id });
  const offer = detail.unsubscribe;
  if (!offer) {
    throw new MaildockError(
      'NOT_FOUND',
      `Message ${id} offers no way to unsubscribe: it has no usable List-Unsubscribe header.`,
      { messageId: id },
    );
  }
  if (offer.oneClick && offer.https) {
    await oneClickUnsubscribe(offer.https, ctx.options.oneClick);
    return { method: 'one-click', done: true, url: null };
  }
  if (offer.mailto) {
    const mail = parseMailto(offer.mailto);
    // Through outbox.send's own checks, as if the user had written it; no undo delay, as the
    // user was asked before.
    const input = methods['outbox.send'].input.safeParse({
      accountId: detail.message.accountId,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      delaySeconds: 0,
    });
    if (!input.success) {
      throw new MaildockError(
        'INVALID_INPUT',
        "The list's unsubscribe mailto: is not a usable message.",
        {
          messageId: id,
        },
      );
    }
    await outboxMethods(ctx)['outbox.send'](input.data);
    return { method: 'mailto', done: true, url: null };
  }
  return { method: 'link', done: false, url: offer.https };
}
