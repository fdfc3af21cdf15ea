// A mailbox that looks like a real one, for syncing the same mail into each engine of the
// store: several folders (one with a non-ASCII name), threads by In-Reply-To/References and
// by subject alone, flags and keywords, HTML-only mail, attachments, non-ASCII subjects and
// addresses, messages that share a date, and Python's corpus of real-world messages.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MaildirMessage } from './maildir.js';
import { makeMail, type TestMail } from './mail.js';

export const MAILBOX_FOLDERS = ['INBOX', 'Archive', 'Sent', 'Projects/2024', 'Reisen/Zürich'];

/** Real-world messages from CPython's email tests, where this machine has them. */
const PYTHON_MAIL = '/root/.pyenv/versions/3.11.7/lib/python3.11/test/test_email/data';

const at = (day: number, hour = 9, minute = 0) =>
  new Date(Date.UTC(2024, 2, 1 + day, hour, minute));

const carol = 'Carol Cole <carol@corp.example>';
const dave = 'Dave Dunn <dave@example.net>';
const me = 'Bob Baker <bob@example.org>';
const juergen = 'Jürgen Müller <jürgen@bücher.example>';

function mail(m: TestMail & { id: string }): Buffer {
  return makeMail({ ...m, messageId: `<${m.id}@engines.test>` });
}

/** A message with only an HTML part, as many newsletters send. */
function htmlOnly(id: string, subject: string, date: Date, html: string): Buffer {
  return Buffer.from(
    [
      'From: Weekly News <news@letters.example>',
      `To: ${me}`,
      `Subject: ${subject}`,
      `Date: ${date.toUTCString()}`,
      `Message-ID: <${id}@engines.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      html.replace(/ü/g, '=C3=BC').replace(/é/g, '=C3=A9'),
      '',
    ].join('\r\n'),
  );
}

function pythonCorpus(): MaildirMessage[] {
  if (!existsSync(PYTHON_MAIL)) return [];
  return readdirSync(PYTHON_MAIL)
    .filter((name) => /^msg_\d+a?\.txt$/.test(name))
    .sort()
    .map((name, i) => ({
      raw: readFileSync(path.join(PYTHON_MAIL, name)),
      // A fixed arrival time: some have no Date header, and both copies must agree.
      internalDate: at(-40 + i),
      flags: i % 4 === 0 ? ['\\Seen'] : [],
    }));
}

function inbox(): MaildirMessage[] {
  const list: MaildirMessage[] = [
    {
      raw: mail({
        id: 'report',
        from: carol,
        cc: dave,
        subject: 'Quarterly report',
        date: at(2),
        text: 'The quarterly report is attached. Numbers look good; the budget holds.',
        attachment: {
          filename: 'q1-report.pdf',
          contentType: 'application/pdf',
          content: Buffer.alloc(3000, 7),
        },
      }),
      flags: ['\\Seen', '\\Flagged'],
    },
    {
      raw: mail({
        id: 'report-dave',
        from: dave,
        subject: 'Re: Quarterly report',
        date: at(3, 11),
        inReplyTo: '<report-reply@engines.test>',
        references: ['<report@engines.test>', '<report-reply@engines.test>'],
        text: 'Agreed with Bob. Let us discuss the offsite over lunch.',
      }),
      flags: ['$Label1'],
    },
    {
      raw: mail({
        id: 'cafe',
        from: juergen,
        subject: '=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_dem_Caf=C3=A9?=',
        date: at(4),
        text: 'Wir treffen uns im Café am Bahnhof in Zürich. Grüße, Jürgen',
      }),
      flags: ['\\Seen', 'project-x'],
    },
    {
      raw: mail({
        id: 'kaigi',
        from: '山田 太郎 <yamada@example.jp>',
        subject: '会議の議事録',
        date: at(4, 12),
        text: '本日の会議の議事録を送ります。予算について話しました。',
      }),
    },
    {
      raw: htmlOnly(
        'news',
        'Weekly News: Müsli and crème brûlée',
        at(5),
        '<html><body><h1>Breakfast</h1><p>Our <b>müsli</b> recipe and a crème brûlée for dessert.</p></body></html>',
      ),
    },
    {
      raw: mail({
        id: 'photo',
        from: dave,
        subject: 'Offsite photo',
        date: at(5),
        html: '<p>The offsite <img src="cid:photo1"> was great.</p>',
        text: 'The offsite photo is attached.',
        attachment: {
          filename: 'offsite.png',
          contentType: 'image/png',
          content: Buffer.alloc(900, 3),
        },
      }),
      flags: ['\\Answered'],
    },
  ];
  // Subject-only thread: no In-Reply-To or References, as some clients send.
  for (let week = 0; week < 4; week++)
    list.push({
      raw: mail({
        id: `sync-${week}`,
        from: week % 2 ? dave : carol,
        subject: week ? 'Re: Weekly sync' : 'Weekly sync',
        date: at(6 + week * 2),
        text: `Weekly sync notes, week ${week + 1}: roadmap and hiring.`,
      }),
      flags: week < 2 ? ['\\Seen'] : [],
    });
  // Enough plain mail for several pages, with runs of equal dates.
  for (let i = 0; i < 40; i++)
    list.push({
      raw: mail({
        id: `note-${i}`,
        from: i % 3 ? carol : dave,
        subject: `Note ${i}: ${i % 2 ? 'budget' : 'roadmap'} update`,
        date: at(14 + Math.floor(i / 4)),
        text: `Update number ${i} on the ${i % 2 ? 'budget' : 'roadmap'}. ${i % 5 ? '' : 'Lunch is on Friday.'}`,
      }),
      flags: i % 3 === 0 ? ['\\Seen'] : i % 7 === 0 ? ['\\Flagged'] : [],
    });
  return list;
}

/** Every folder's messages: the same for each copy of the mailbox. */
export function enginesMailbox(): Record<string, MaildirMessage[]> {
  return {
    INBOX: inbox(),
    Sent: [
      {
        raw: mail({
          id: 'report-reply',
          from: me,
          to: carol,
          subject: 'Re: Quarterly report',
          date: at(3),
          inReplyTo: '<report@engines.test>',
          references: ['<report@engines.test>'],
          text: 'Thanks Carol, the budget looks fine to me.',
        }),
        flags: ['\\Seen'],
      },
      {
        raw: mail({
          id: 'cafe-reply',
          from: me,
          to: juergen,
          subject: 'Re: Grüße aus dem Café',
          date: at(4, 15),
          inReplyTo: '<cafe@engines.test>',
          references: ['<cafe@engines.test>'],
          text: 'Danke! Bis bald in Zürich.',
        }),
        flags: ['\\Seen'],
      },
    ],
    Archive: [
      {
        raw: mail({
          id: 'report-fwd',
          from: me,
          to: dave,
          subject: 'Fwd: Quarterly report',
          date: at(3, 14),
          references: ['<report@engines.test>'],
          text: 'Forwarding the quarterly report for the archive.',
        }),
        flags: ['\\Seen'],
      },
      ...pythonCorpus(),
    ],
    'Projects/2024': [
      {
        raw: mail({
          id: 'budget',
          from: carol,
          subject: 'Budget 2024',
          date: at(1),
          text: 'The budget for 2024, by quarter.',
          attachment: {
            filename: 'budget.csv',
            contentType: 'text/csv',
            content: Buffer.from('quarter,amount\nQ1,100\nQ2,120\n'),
          },
        }),
        flags: ['\\Seen', 'project-x'],
      },
    ],
    'Reisen/Zürich': [
      {
        raw: mail({
          id: 'train',
          from: 'SBB <noreply@sbb.example>',
          subject: 'Ihr Billett nach Zürich',
          date: at(7),
          text: 'Ihr Billett: Bern – Zürich HB, 2. Klasse.',
        }),
      },
    ],
  };
}

/**
 * Twenty searches, every operator of the language among them: words, phrases, exclusion,
 * from:, to:, subject:, in:, is:read/unread/flagged, has:attachment, after:/before:.
 */
export const ENGINE_SEARCHES = [
  'budget',
  'quarterly report',
  '"quarterly report"',
  'report -offsite',
  'from:carol',
  'from:jürgen',
  'to:dave',
  'subject:"weekly sync"',
  'in:archive report',
  'in:"Reisen/Zürich"',
  'is:unread roadmap',
  'is:read -in:sent',
  'is:flagged',
  'has:attachment',
  '-has:attachment budget',
  'after:2024-03-15 before:2024-03-18',
  'cafe zurich',
  'müsli',
  '会議の議事録',
  'lunch from:dave -is:unread',
];
