// mailto: links as the desktop shell receives them (main/app/mailto.ts): a new message's
// fields, or nothing when the link is not one or is malformed.
import { describe, expect, it } from 'vitest';
import { uiCommandSchema } from '../../common/types.js';
import { mailtoFromArgv, parseMailto } from '../../main/app/mailto.js';

describe('mailto: links', () => {
  it('become a new message’s fields', () => {
    expect(
      parseMailto(
        'mailto:ann@example.test,bo%40example.test?cc=cy@example.test&subject=Lunch%20on%0D%0AFriday&body=See%20you%0Athere&bcc=d@example.test&x-other=1',
      ),
    ).toEqual({
      to: ['ann@example.test', 'bo@example.test'],
      cc: ['cy@example.test'],
      bcc: ['d@example.test'],
      subject: 'Lunch on Friday',
      body: 'See you\nthere',
    });
    expect(parseMailto('MAILTO:a+tag@example.test')).toMatchObject({ to: ['a+tag@example.test'] });
    expect(parseMailto('mailto:?to=x@example.test&to=y@example.test')).toMatchObject({
      to: ['x@example.test', 'y@example.test'],
    });
  });

  it('are refused when they are not one, or are malformed', () => {
    for (const raw of [
      'https://example.test',
      'mailto:%E0%A4%A',
      'javascript:x',
      'mailto:a?body=%ZZ',
    ]) {
      expect(parseMailto(raw), raw).toBeNull();
    }
    expect(parseMailto(`mailto:${'a'.repeat(70_000)}`)).toBeNull();
    // What it gives always fits the compose command of the contract.
    const many = parseMailto(
      `mailto:?${Array.from({ length: 150 }, (_, i) => `to=u${i}@example.test`).join('&')}&subject=${'s'.repeat(2000)}`,
    )!;
    expect(uiCommandSchema.safeParse({ command: 'compose', ...many }).success).toBe(true);
    expect(many.to).toHaveLength(100);
  });

  it('are found among a launch’s arguments', () => {
    expect(
      mailtoFromArgv(['/opt/Maildock/maildock', '--no-sandbox', 'mailto:a@example.test']),
    ).toBe('mailto:a@example.test');
    expect(mailtoFromArgv(['/opt/Maildock/maildock'])).toBeNull();
  });
});
