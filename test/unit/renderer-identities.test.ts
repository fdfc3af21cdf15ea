// @vitest-environment jsdom
// Identities in compose and in settings, as pure logic: the signature's block in the editor's
// HTML (put under the writer's line and above a reply's quote, kept by the editor's schema
// and by the sanitizer, swapped when From changes unless the writer edited it, said under
// "-- " in the text part by the identity's text signature), the From choices and the identity
// a reply picks, and the identity form's validation against the contract and the account.
import { Editor as TipTap } from '@tiptap/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Account, Identity, MessageDetail, Signature } from '../../common/types.js';
import { mailExtensions } from '../../renderer/src/compose/Editor.js';
import {
  emptyForm,
  isEmpty,
  toComposeInput,
  type ComposeForm,
} from '../../renderer/src/compose/form.js';
import {
  currentIdentity,
  currentValue,
  fromChoices,
  newMessageForm,
  withIdentity,
} from '../../renderer/src/compose/from.js';
import { cleanHtml, htmlToText } from '../../renderer/src/compose/html-text.js';
import { answerForm, ownOf } from '../../renderer/src/compose/load.js';
import { quoteHtml, replyRecipients } from '../../renderer/src/compose/reply.js';
import {
  addSignature,
  signatureBlockHtml,
  signatureUnchanged,
  swapSignature,
  withoutSignature,
} from '../../renderer/src/compose/signature.js';
import {
  identityFormOf,
  newIdentityForm,
  signatureOf,
  validateIdentity,
  withHtmlOn,
} from '../../renderer/src/settings/identity-form.js';

const PLAIN: Signature = { text: 'Ann Example\nSupport desk', html: null };
const RICH: Signature = {
  text: 'Ann Alias\nphone 123',
  html: '<p><strong>Ann</strong> Alias</p><p style="color:red" onclick="x()">phone 123<script>alert(1)</script></p>',
};

const identity = (
  email: string,
  name: string | null,
  signature: Signature | null,
  primary = false,
) => ({ email, name, signature, primary }) satisfies Identity;

const account = (id: number, email: string, identities: Identity[]): Account => ({
  id,
  email,
  name: identities.find((i) => i.primary)?.name ?? null,
  imap: { host: 'imap.x.test', port: 993, security: 'tls', user: email },
  smtp: { host: 'smtp.x.test', port: 587, security: 'starttls', user: email },
  identities,
  createdAt: '2025-01-01T00:00:00.000Z',
});

const ann = account(1, 'ann@x.test', [
  identity('ann@x.test', 'Ann Example', PLAIN, true),
  identity('help@x.test', 'Ann Alias', RICH),
  identity('quiet@x.test', null, null),
]);
const bob = account(2, 'bob@y.test', [identity('bob@y.test', 'Bob', null, true)]);

const original = (to: string[], cc: string[] = []): MessageDetail => ({
  message: {
    id: 7,
    accountId: 1,
    mailboxId: 1,
    uid: 1,
    messageId: '<m@x.test>',
    threadId: null,
    subject: 'Question',
    from: [{ name: 'Carol', address: 'carol@z.test' }],
    to: to.map((address) => ({ name: '', address })),
    cc: cc.map((address) => ({ name: '', address })),
    date: '2025-03-04T09:00:00.000Z',
    flags: [],
    size: 100,
    snippet: '',
    hasAttachments: false,
    bodyState: 'full',
  } as unknown as MessageDetail['message'],
  inReplyTo: null,
  references: [],
  text: 'Can you help?',
  html: null,
  attachments: [],
  parseError: null,
  unsubscribe: null,
  remoteContentAllowed: false,
});

const editors: TipTap[] = [];
afterEach(() => {
  for (const e of editors.splice(0)) e.destroy();
});
/** The HTML as the compose editor holds it. */
function inEditor(html: string): string {
  const e = new TipTap({ extensions: mailExtensions(), content: html, injectCSS: false });
  editors.push(e);
  return e.getHTML();
}

const SIG = 'div[data-signature]';
const body = (html: string) => new DOMParser().parseFromString(html, 'text/html').body;

describe('a signature in the body', () => {
  it('is a marked block of sanitized HTML, or the text as lines; nothing for none', () => {
    expect(signatureBlockHtml(null)).toBe('');
    expect(signatureBlockHtml({ text: '  ', html: null })).toBe('');
    expect(signatureBlockHtml(PLAIN)).toBe(
      '<div data-signature=""><p>Ann Example<br>Support desk</p></div>',
    );
    expect(signatureBlockHtml(RICH)).toBe(
      '<div data-signature=""><p><strong>Ann</strong> Alias</p><p>phone 123</p></div>',
    );
    // A signature never holds a second one.
    const nested = signatureBlockHtml({ text: '', html: '<div data-signature="">x</div>' });
    expect(body(nested).querySelectorAll(SIG)).toHaveLength(1);
  });

  it('goes under a line to write on in a new message, and above the quote of a reply', () => {
    expect(addSignature('', PLAIN)).toBe(`<p></p>${signatureBlockHtml(PLAIN)}`);
    expect(addSignature('', null)).toBe('');
    const quote = quoteHtml(original(['ann@x.test']));
    const reply = body(addSignature(quote, RICH, { quoted: true }));
    expect([...reply.children].map((c) => c.tagName)).toEqual(['P', 'DIV', 'P', 'BLOCKQUOTE']);
    expect(reply.children[1]!.matches(SIG)).toBe(true);
    expect(reply.children[2]!.textContent).toMatch(/Carol <carol@z\.test> wrote:$/);
    // A body that has a signature gets no second one.
    const once = addSignature('', PLAIN);
    expect(addSignature(once, RICH)).toBe(once);
  });

  it('is kept by the editor’s schema as it is, and found in its HTML again', () => {
    const html = addSignature(quoteHtml(original(['ann@x.test'])), RICH, { quoted: true });
    const held = inEditor(html);
    expect(held).toContain(signatureBlockHtml(RICH));
    expect(signatureUnchanged(held, RICH)).toBe(true);
    expect(body(held).querySelector(`${SIG} + p`)?.textContent).toMatch(/wrote:$/);
  });

  it('is kept by the sanitizer, marked with no value, and the mark goes from anything else', () => {
    expect(cleanHtml('<div data-signature="evil"><p>x</p></div>')).toBe(
      '<div data-signature=""><p>x</p></div>',
    );
    expect(cleanHtml('<p data-signature="">x</p>')).toBe('<p>x</p>');
  });

  it('is said under "-- " in the text part; not counted as something written', () => {
    const html = addSignature('<p>Hello</p>', PLAIN);
    expect(htmlToText(html)).toBe('Hello\n\n-- \nAnn Example\nSupport desk');
    expect(withoutSignature(html)).toBe('<p>Hello</p>');
    const form: ComposeForm = { ...emptyForm(1), html: addSignature('', PLAIN), signature: PLAIN };
    expect(isEmpty(form)).toBe(true);
    expect(isEmpty({ ...form, html: form.html.replace('<p></p>', '<p>Hi</p>') })).toBe(false);
  });

  it('changes with From: replaced while as inserted, kept unmarked once the writer edited it', () => {
    const start = addSignature('<p>Hello</p>', PLAIN);
    const swapped = swapSignature(inEditor(start), PLAIN, RICH);
    expect(swapped).toBe(`<p>Hello</p>${signatureBlockHtml(RICH)}`);
    // To an identity without a signature: gone.
    expect(swapSignature(swapped, RICH, null)).toBe('<p>Hello</p>');
    // From none to one: where a signature goes, above a reply's quote.
    const quote = quoteHtml(original(['ann@x.test']));
    const added = body(swapSignature(quote, null, PLAIN, { quoted: true }));
    expect(added.children[1]!.matches(SIG)).toBe(true);

    const edited = start.replace('Support desk', 'Support desk, on Mondays');
    expect(signatureUnchanged(edited, PLAIN)).toBe(false);
    const kept = body(swapSignature(edited, PLAIN, RICH));
    expect(kept.querySelectorAll(SIG)).toHaveLength(1);
    expect(kept.textContent).toContain('Support desk, on Mondays');
    expect(kept.querySelector(SIG)!.textContent).toBe('Ann Aliasphone 123');
    // The edited one is the writer's: it comes before the new signature.
    expect(kept.innerHTML.indexOf('on Mondays')).toBeLessThan(kept.innerHTML.indexOf('phone 123'));
  });
});

describe('the compose input', () => {
  const form = (patch: Partial<ComposeForm>): ComposeForm => ({
    ...emptyForm(1),
    to: [{ name: '', address: 'carol@z.test', valid: true }],
    ...patch,
  });

  it('goes from the chosen identity, its text signature in the text part, its HTML in the HTML', () => {
    const html = inEditor(addSignature('<p>Hello</p>', RICH));
    const input = toComposeInput(form({ from: 'help@x.test', signature: RICH, html }));
    expect(input.from).toBe('help@x.test');
    expect(input.text).toBe('Hello\n\n-- \nAnn Alias\nphone 123');
    expect(input.html).toBe(`<p>Hello</p>${signatureBlockHtml(RICH)}`);
    expect(input.html).not.toMatch(/style=|onclick|script/);
  });

  it('says an edited signature as the writer left it; no from when none was chosen', () => {
    const html = addSignature('<p>Hello</p>', RICH).replace('phone 123', 'phone 456');
    const input = toComposeInput(form({ from: null, signature: RICH, html }));
    expect(input).not.toHaveProperty('from');
    expect(input.text).toBe('Hello\n\n-- \nAnn Alias\n\nphone 456');
  });
});

describe('From', () => {
  it('offers every account’s identities for a new message, the original’s account’s for an answer', () => {
    expect(fromChoices([ann, bob], null).map((c) => [c.accountId, c.label])).toEqual([
      [1, 'Ann Example <ann@x.test>'],
      [1, 'Ann Alias <help@x.test>'],
      [1, 'quiet@x.test'],
      [2, 'Bob <bob@y.test>'],
    ]);
    expect(fromChoices([ann, bob], 2).map((c) => c.label)).toEqual(['Bob <bob@y.test>']);
    // An account the core lists no identities for still sends from its own address.
    expect(fromChoices([{ ...bob, identities: [] }], null).map((c) => c.identity.email)).toEqual([
      'bob@y.test',
    ]);
  });

  it('a new message starts from the account’s own address, with its signature', () => {
    const f = newMessageForm(emptyForm(1), ann);
    expect(f.from).toBe('ann@x.test');
    expect(f.signature).toEqual(PLAIN);
    expect(f.html).toBe(`<p></p>${signatureBlockHtml(PLAIN)}`);
    expect(currentValue(f, currentIdentity(f, [ann, bob]))).toBe('1:ann@x.test');
  });

  it('a reply or forward goes from the identity the original was sent to, its signature above the quote', () => {
    const d = original(['carol@z.test'], ['HELP@x.test']);
    const reply = answerForm(d, { id: 7, mode: 'reply' }, ann);
    expect(reply.from).toBe('help@x.test');
    expect(reply.signature).toEqual(RICH);
    const kids = [...body(reply.html!).children];
    expect(kids.map((c) => c.tagName)).toEqual(['P', 'DIV', 'P', 'BLOCKQUOTE']);
    expect(kids[1]!.textContent).toBe('Ann Aliasphone 123');
    const forward = answerForm(original(['quiet@x.test']), { id: 7, mode: 'forward' }, ann);
    expect(forward.from).toBe('quiet@x.test');
    expect(forward.html).toBe('');
    // Sent to none of the account's addresses: its own.
    expect(answerForm(original(['x@z.test']), { id: 7, mode: 'reply' }, ann).from).toBe(
      'ann@x.test',
    );
    // Where From was never chosen (an older draft), a reply shows the identity it will go from.
    expect(currentIdentity({ accountId: 1, from: null }, [ann], d.message)?.email).toBe(
      'help@x.test',
    );
  });

  it('picking another identity swaps the signature and may change the account', () => {
    const f: ComposeForm = { ...newMessageForm(emptyForm(1), ann), html: '' };
    f.html = inEditor(addSignature('<p>Hi</p>', PLAIN));
    const next = withIdentity(f, 1, ann.identities[1]!);
    expect(next).toMatchObject({ accountId: 1, from: 'help@x.test', signature: RICH });
    expect(next.html).toBe(`<p>Hi</p>${signatureBlockHtml(RICH)}`);
    const toBob = withIdentity({ ...f, ...next }, 2, bob.identities[0]!);
    expect(toBob).toEqual({ accountId: 2, from: 'bob@y.test', signature: null, html: '<p>Hi</p>' });
  });

  it('a reply to all leaves out every address of the account, aliases too', () => {
    const d = original(['ann@x.test', 'help@x.test', 'dan@z.test'], ['quiet@x.test', 'eve@z.test']);
    const { to, cc } = replyRecipients(d.message, ownOf([ann], 1), 'reply-all');
    expect(to.map((a) => a.address)).toEqual(['carol@z.test', 'dan@z.test']);
    expect(cc.map((a) => a.address)).toEqual(['eve@z.test']);
    // A message of one's own, from an alias: the reply goes to its recipients again.
    const own = { ...d.message, from: [{ name: '', address: 'help@x.test' }] };
    expect(replyRecipients(own, ownOf([ann], 1), 'reply').to.map((a) => a.address)).toEqual([
      'ann@x.test',
      'help@x.test',
      'dan@z.test',
    ]);
  });
});

describe('the identity form', () => {
  it('adds an alias with a name and both signatures, the HTML sanitized', () => {
    const v = validateIdentity(
      {
        ...newIdentityForm(),
        email: ' new@x.test ',
        name: ' New One ',
        text: 'New\r\nOne  \n',
        htmlOn: true,
        html: '<p><em>New</em> One<img src="https://t.test/p.gif"></p>',
      },
      ann,
    );
    expect(v).toEqual({
      ok: true,
      input: {
        accountId: 1,
        email: 'new@x.test',
        name: 'New One',
        signature: { text: 'New\nOne', html: '<p><em>New</em> One</p>' },
      },
    });
  });

  it('refuses an address the account has, a bad address, and a name on two lines', () => {
    const exists = validateIdentity({ ...newIdentityForm(), email: 'HELP@x.test' }, ann);
    expect(exists).toEqual({
      ok: false,
      errors: { email: 'This account has this address already.' },
    });
    const bad = validateIdentity({ ...newIdentityForm(), email: 'not an address' }, ann);
    expect(bad.ok === false && bad.errors.email).toBe(
      'Enter an email address such as alias@example.com.',
    );
    const twoLines = validateIdentity(
      { ...newIdentityForm(), email: 'two@x.test', name: 'Two\nLines' },
      ann,
    );
    expect(twoLines.ok === false && Object.keys(twoLines.errors)).toEqual(['name']);
    const many = account(3, 'm@x.test', [
      identity('m@x.test', null, null, true),
      ...Array.from({ length: 19 }, (_, i) => identity(`a${i}@x.test`, null, null)),
    ]);
    const full = validateIdentity({ ...newIdentityForm(), email: 'one-more@x.test' }, many);
    expect(full.ok === false && full.errors.email).toBe('An account can have up to 20 addresses.');
  });

  it('edits the primary identity’s signature only: its name is the account’s', () => {
    const f = identityFormOf(ann.identities[0]!);
    expect(f).toMatchObject({ adding: false, primary: true, text: PLAIN.text, htmlOn: false });
    const v = validateIdentity({ ...f, name: 'Changed', text: 'Only text' }, ann);
    expect(v).toEqual({
      ok: true,
      input: { accountId: 1, email: 'ann@x.test', signature: { text: 'Only text', html: null } },
    });
  });

  it('an empty signature is none; the formatted one starts as the text one, and off it is none', () => {
    expect(signatureOf({ ...newIdentityForm(), text: ' \n', htmlOn: true, html: '<p></p>' })).toBe(
      null,
    );
    const on = withHtmlOn({ ...newIdentityForm(), text: 'Ann\nDesk' }, true);
    expect(on.html).toBe('<p>Ann<br>Desk</p>');
    expect(signatureOf(on)).toEqual({ text: 'Ann\nDesk', html: '<p>Ann<br>Desk</p>' });
    expect(signatureOf(withHtmlOn(on, false))).toEqual({ text: 'Ann\nDesk', html: null });
    // An alias's name cleared is null, so the core drops it.
    const alias = identityFormOf(ann.identities[1]!);
    const cleared = validateIdentity({ ...alias, name: ' ' }, ann);
    expect(cleared.ok && cleared.input.name).toBe(null);
  });
});
