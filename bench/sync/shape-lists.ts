// The `lists` shape: plain-text mailing-list traffic. A handful of lists, long threads that
// interleave (some a hundred messages deep), replies that quote their parent inline so the
// quoting nests (> > >), References chains that grow with the thread, patches, list footers,
// the List-* headers. Mean message about 5 KB.
import {
  chance,
  dateOf,
  hex,
  int,
  isAscii,
  logNormal,
  messageId,
  mulberry32,
  pick,
  rfc5322Date,
  textPart,
  toBuffer,
  wrap,
  Zipf,
  type Cte,
  type Rng,
} from '../mail-kit.js';
import { clamp, flagsFor, type ShapeMessage, type ShapeOptions } from './shape-kit.js';
import { headerBlock, OWNER, type Person } from './shape-headers.js';
import { ACCENTED, people, Vocabulary } from './shape-words.js';

const TOPIC = `patch patches commit build test tests fails failure regression fix bug issue
release branch merge review reviewed ack nack config option default kernel driver module
memory leak lock locking race thread threads performance benchmark numbers latency cache
api change changes proposal rfc discussion docs documentation version upgrade compat
deprecate warning error crash stack trace backtrace reproduce reproducer bisect upstream
maintainer tree series v2 v3 rebase nit style cleanup refactor follow-up`;

interface List {
  name: string;
  domain: string;
  footer: boolean;
}
const LISTS: List[] = [
  { name: 'dev', domain: 'lists.fernweh.example', footer: true },
  { name: 'users', domain: 'lists.fernweh.example', footer: true },
  { name: 'announce', domain: 'lists.fernweh.example', footer: true },
  { name: 'hackers', domain: 'lists.quillsql.example', footer: false },
  { name: 'kernel-net', domain: 'vger.example.org', footer: false },
  { name: 'ideas', domain: 'mail.pyrite.example', footer: true },
];
const LIST_WEIGHTS = [30, 18, 2, 25, 15, 10].flatMap((w, k) => Array<number>(w).fill(k));

interface Post {
  messageId: string;
  references: string[];
  from: Person;
  date: Date;
  /** The body as written, quoting included, without footer or signature */
  text: string;
}

interface Thread {
  list: List;
  subject: string;
  posts: Post[];
  left: number;
}

const QUOTE_LINES = 50;
const SUBSYSTEMS = ['net', 'core', 'docs', 'tests', 'build', 'parser', 'driver', 'sql', 'ci'];

/** The parent's text quoted one level deeper, the deepest levels and the tail snipped. */
function quote(rng: Rng, parent: string): string[] {
  const lines = parent.split('\n').filter((l) => !/^(> ?){4,}/.test(l));
  const kept = lines.slice(0, QUOTE_LINES);
  const out = kept.map((l) => (l.startsWith('>') ? `>${l}` : l ? `> ${l}` : '>'));
  if (lines.length > kept.length && chance(rng, 0.7)) out.push('[...]');
  return out;
}

function patch(rng: Rng, words: Vocabulary): string {
  const file = `${pick(rng, ['src', 'lib', 'drivers/net', 'core', 'tests'])}/${words.word(rng)}_${words.word(rng)}.c`;
  const out = [
    '---',
    ` ${file} | ${4 + int(rng, 60)} ++++++++++----`,
    ' 1 file changed',
    '',
    `diff --git a/${file} b/${file}`,
    `index ${hex(rng, 7)}..${hex(rng, 7)} 100644`,
    `--- a/${file}`,
    `+++ b/${file}`,
  ];
  for (let hunk = 1 + int(rng, 4); hunk > 0; hunk--) {
    const at = 10 + int(rng, 900);
    out.push(
      `@@ -${at},12 +${at},${14 + int(rng, 8)} @@ static int ${words.word(rng)}_${words.word(rng)}(struct ${words.word(rng)} *p)`,
    );
    for (let k = 6 + int(rng, 20); k > 0; k--) {
      const sign = pick(rng, [' ', ' ', ' ', '+', '-']);
      const indent = '\t'.repeat(1 + int(rng, 3));
      out.push(
        `${sign}${indent}${pick(rng, ['if (', 'return ', '', 'err = '])}${words.word(rng)}_${words.word(rng)}(${words.word(rng)}, ${int(rng, 64)});`,
      );
    }
  }
  return out.join('\n');
}

function footer(list: List): string {
  return `_______________________________________________\n${list.name} mailing list\n${list.name}@${list.domain}\nhttps://${list.domain}/mailman/listinfo/${list.name}`;
}

export function* listsShape(opts: ShapeOptions): Generator<ShapeMessage> {
  const rng = mulberry32(opts.seed ^ 0x115);
  const words = new Vocabulary(TOPIC, opts.seed ^ 0x115);
  const members = people(opts.seed ^ 0x115, 500);
  const zipf = new Zipf(members.length, 0.9);
  const sent = opts.folders.find((f) => /sent/i.test(f));
  const others = opts.folders.filter((f) => f !== sent);
  const open: Thread[] = [];
  for (let i = 0; i < opts.count; i++) {
    const date = dateOf(rng, i, opts.count);
    let thread: Thread;
    let parent: Post | undefined;
    if (open.length && chance(rng, 0.85)) {
      thread = open[open.length - 1 - Math.floor(open.length * rng() ** 2)]!;
      // Mostly the latest post; sometimes an earlier one, and the thread branches.
      parent =
        thread.posts[
          thread.posts.length - 1 - (chance(rng, 0.3) ? int(rng, thread.posts.length) : 0)
        ];
    } else {
      const list = LISTS[pick(rng, LIST_WEIGHTS)]!;
      const isPatch = list.name !== 'users' && chance(rng, 0.15);
      const title = words.title(rng, 3 + int(rng, 6));
      const subject = isPatch
        ? `[PATCH${chance(rng, 0.4) ? ` v${2 + int(rng, 4)}` : ''} ${1 + int(rng, 5)}/${5 + int(rng, 4)}] ${pick(rng, SUBSYSTEMS)}: ${title.toLowerCase()}`
        : `${title}${chance(rng, 0.05) ? ` ${pick(rng, ACCENTED)}` : ''}`;
      thread = {
        list,
        subject,
        posts: [],
        left: clamp(Math.round(logNormal(rng, 9, 1.1)), 1, 150),
      };
      open.push(thread);
      if (open.length > 60) open.shift();
    }
    const own = sent !== undefined && chance(rng, 0.06);
    const from = own ? OWNER : members[zipf.sample(rng)]!;

    const body: string[] = [];
    if (parent) {
      body.push(
        `On ${rfc5322Date(parent.date, parent.from.tz, false)}, ${parent.from.name} wrote:`,
      );
      const quoted = quote(rng, parent.text);
      // Answers between the quoted pieces, as on lists: inline, below what they answer.
      const cuts = 1 + int(rng, 3);
      const step = Math.max(1, Math.ceil(quoted.length / cuts));
      for (let at = 0; at < quoted.length; at += step) {
        body.push(...quoted.slice(at, at + step), '');
        for (const p of words.paragraphs(rng, clamp(Math.round(logNormal(rng, 60, 0.8)), 4, 300)))
          body.push(wrap(p), '');
      }
    } else {
      body.push(`${pick(rng, ['Hi all,', 'Hello,', 'Hi everyone,', 'Folks,'])}`, '');
      for (const p of words.paragraphs(rng, clamp(Math.round(logNormal(rng, 200, 0.7)), 15, 1200)))
        body.push(wrap(p), '');
      if (thread.subject.startsWith('[PATCH'))
        body.push(`Signed-off-by: ${from.name} <${from.address}>`, patch(rng, words));
    }
    const text = body.join('\n').replace(/\n{3,}/g, '\n\n');
    const full = [
      text,
      chance(rng, 0.4) ? `\n-- \n${from.name}` : '',
      thread.list.footer ? `\n${footer(thread.list)}` : '',
      '',
    ].join('\n');

    const list = thread.list;
    const listAddress = `${list.name}@${list.domain}`;
    const id = messageId(rng, i, from.address.split('@')[1] as string);
    const references = parent ? [...parent.references, parent.messageId].slice(-30) : [];
    const munged = chance(rng, 0.1);
    const head = headerBlock(rng, {
      from: munged
        ? { ...from, name: `${from.name} via ${list.name}`, address: listAddress }
        : from,
      to: { name: '', address: listAddress, tz: 0 },
      cc: parent && chance(rng, 0.4) ? [parent.from] : undefined,
      subject: `${parent ? 'Re: ' : ''}${list.footer ? `[${list.name}] ` : ''}${thread.subject}`,
      date,
      messageId: id,
      inReplyTo: parent?.messageId,
      references,
      incoming: !own,
      extra: [
        ...(munged ? [`Reply-To: ${from.address}`] : []),
        `List-Id: ${list.name} discussion <${list.name}.${list.domain}>`,
        `List-Unsubscribe: <https://${list.domain}/mailman/options/${list.name}>,\r\n <mailto:${list.name}-request@${list.domain}?subject=unsubscribe>`,
        `List-Archive: <https://${list.domain}/pipermail/${list.name}/>`,
        `List-Post: <mailto:${listAddress}>`,
        `List-Help: <mailto:${list.name}-request@${list.domain}?subject=help>`,
        `List-Subscribe: <https://${list.domain}/mailman/listinfo/${list.name}>,\r\n <mailto:${list.name}-request@${list.domain}?subject=subscribe>`,
        'Precedence: list',
        `Errors-To: ${list.name}-bounces@${list.domain}`,
        `Sender: "${list.name}" <${list.name}-bounces@${list.domain}>`,
      ],
    });
    const cte: Cte = isAscii(full)
      ? chance(rng, 0.85)
        ? '7bit'
        : 'quoted-printable'
      : chance(rng, 0.5)
        ? '8bit'
        : 'quoted-printable';
    const flowed = cte !== 'quoted-printable' && chance(rng, 0.1);

    thread.posts.push({ messageId: id, references, from, date, text });
    if (thread.posts.length > 6) thread.posts.shift();
    if (--thread.left <= 0) open.splice(open.indexOf(thread), 1);
    yield {
      folder: own ? sent! : chance(rng, 0.6) || others.length < 2 ? others[0]! : others[1]!,
      raw: toBuffer([head, ...textPart(full, 'plain', cte, { flowed })]),
      date,
      flags: flagsFor(rng, i, opts.count, own),
    };
  }
}
