// The desktop shell asks before a link leaves the app and before it takes over the system's
// mailto: links, and never passes on a mailto: field beyond RFC 6068's (`attach=`). Plain
// functions of main/app tested without the Electron binary (it cannot be downloaded here):
// dialogs and shell.openExternal are stand-ins that record what they were given.
import { afterEach, describe, expect, it } from 'vitest';
import { APP_SETTINGS_DEFAULTS } from '../../common/types.js';
import { externalPrompt, followExternal, type ExternalPrompt } from '../../main/app/external.js';
import { cleanMailto, parseMailto, type MailtoDraft } from '../../main/app/mailto.js';
import { mailtoAnswer, mailtoHandlerStep, MAILTO_PROMPT } from '../../main/app/mailto-handler.js';
import { decideWindowOpen, externalTarget } from '../../main/app/security.js';
import { openService, type TestService } from '../support/service.js';

function shell(answer: boolean) {
  const asked: ExternalPrompt[] = [];
  const opened: string[] = [];
  const composed: MailtoDraft[] = [];
  return {
    asked,
    opened,
    composed,
    deps: {
      ask: async (p: ExternalPrompt) => (asked.push(p), answer),
      open: async (target: string) => void opened.push(target),
      compose: (d: MailtoDraft) => void composed.push(d),
    },
  };
}

describe('a link leaving the app (stand-in for dialog and shell.openExternal)', () => {
  it('opens a web address only after asking, naming its host and whole address', async () => {
    const no = shell(false);
    expect(await followExternal('https://shop.example.test/track?id=7', no.deps)).toBe('declined');
    expect(no.opened).toEqual([]);
    expect(no.asked).toEqual([
      {
        message: 'Open shop.example.test in your browser?',
        detail: 'The link goes to:\nhttps://shop.example.test/track?id=7',
        buttons: ['Open', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
      },
    ]);
    const yes = shell(true);
    expect(await followExternal('https://shop.example.test/track?id=7', yes.deps)).toBe('opened');
    expect(yes.opened).toEqual(['https://shop.example.test/track?id=7']);
  });

  it('shows a look-alike international host as what it is', () => {
    expect(externalPrompt('https://pаypal.test/').message).toBe(
      'Open xn--pypal-4ve.test in your browser?',
    );
  });

  it('opens a mail address in Maildock’s own compose, without asking and without attach', async () => {
    const s = shell(true);
    expect(
      await followExternal('mailto:ann@example.test?subject=Hi&attach=/etc/passwd', s.deps),
    ).toBe('composed');
    expect(s.composed).toEqual([
      { to: ['ann@example.test'], cc: [], bcc: [], subject: 'Hi', body: '' },
    ]);
    expect(s.asked).toEqual([]);
    expect(s.opened).toEqual([]);
  });

  it('refuses what may not leave, with nothing asked or opened', async () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'https://a.test@evil.test/']) {
      const s = shell(true);
      expect(await followExternal(url, s.deps), url).toBe('refused');
      expect([...s.asked, ...s.opened, ...s.composed], url).toEqual([]);
    }
  });
});

describe('mailto: links keep RFC 6068’s fields only', () => {
  it('drops attach, attachment and every other field on the way to another program', () => {
    expect(externalTarget('mailto:ann@example.test?attach=/etc/passwd&subject=Hi')).toBe(
      'mailto:ann@example.test?subject=Hi',
    );
    expect(
      cleanMailto(
        'mailto:ann@example.test?Attachment=%2Fhome%2Fme%2F.ssh%2Fid_rsa&x-mailer=1&cc=bo@example.test&body=a%26b&in-reply-to=%3Cm1%40example.test%3E',
      ),
    ).toBe(
      'mailto:ann@example.test?cc=bo@example.test&body=a%26b&in-reply-to=%3Cm1@example.test%3E',
    );
    expect(decideWindowOpen('mailto:a@example.test?attach=/etc/passwd')).toEqual({
      action: 'deny',
      external: 'mailto:a@example.test',
    });
  });

  it('keeps only addresses that are addresses', () => {
    expect(
      parseMailto('mailto:a@example.test%0D%0ABcc:x@evil.test,not-an-address,b@example.test'),
    ).toMatchObject({ to: ['b@example.test'] });
    expect(parseMailto('mailto:?cc=%22x%22%0A@evil.test&bcc=c@example.test')).toMatchObject({
      cc: [],
      bcc: ['c@example.test'],
    });
    expect(cleanMailto('mailto:not-an-address?attach=/etc/passwd')).toBeNull();
    // A header line smuggled in as a Message-ID is not one.
    expect(cleanMailto('mailto:a@example.test?in-reply-to=%3Cx%3E%0D%0ABcc%3A%20y')).toBe(
      'mailto:a@example.test',
    );
  });
});

describe('the mailto: handler is the person’s choice', () => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('asks until answered, and only a yes makes Maildock the handler', () => {
    expect(APP_SETTINGS_DEFAULTS.mailtoHandler).toBe('ask');
    expect(mailtoHandlerStep('ask', false)).toBe('ask');
    // Earlier versions took it without asking: being the handler is no answer.
    expect(mailtoHandlerStep('ask', true)).toBe('ask');
    expect(mailtoHandlerStep('yes', false)).toBe('set');
    expect(mailtoHandlerStep('yes', true)).toBe('none');
    expect(mailtoHandlerStep('no', true)).toBe('unset');
    expect(mailtoHandlerStep('no', false)).toBe('none');
    expect(MAILTO_PROMPT.buttons[MAILTO_PROMPT.cancelId]).toBe('Not now');
    expect(mailtoAnswer(0)).toBe('yes');
    expect(mailtoAnswer(MAILTO_PROMPT.cancelId)).toBe('no');
  });

  it('keeps the answer in the app settings of a real service', async () => {
    t = await openService();
    expect((await t.call('app.settings', {})).mailtoHandler).toBe('ask');
    expect((await t.call('app.settings', { mailtoHandler: 'no' })).mailtoHandler).toBe('no');
    expect((await t.svc.appSettings()).mailtoHandler).toBe('no');
    await expect(t.call('app.settings', { mailtoHandler: 'always' })).rejects.toThrow(
      /INVALID_INPUT/,
    );
  });
});
