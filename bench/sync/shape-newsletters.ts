// The `newsletters` shape: large HTML newsletters from a few dozen senders. Each is
// multipart/alternative, a plain-text version beside 30–150 KB of HTML built the way mailing
// tools build it (nested tables, inline styles on every cell, a style block with media
// queries, tracking links and an open pixel); about a quarter are multipart/related with
// small inline images referred to by cid:.
import {
  chance,
  dateOf,
  escapeHtml,
  hex,
  int,
  logNormal,
  multipart,
  mulberry32,
  pick,
  textPart,
  toBuffer,
  wrap,
  Zipf,
  type Chunk,
  type Rng,
} from '../mail-kit.js';
import { clamp, randomBase64, token, type ShapeMessage, type ShapeOptions } from './shape-kit.js';
import { headerBlock, OWNER, type Person } from './shape-headers.js';
import { ACCENTED, EMOJI, Vocabulary } from './shape-words.js';

const TOPIC = `news week weekly digest update new launch offer sale free shipping members
exclusive event webinar guide tips read story stories community product products release
features podcast episode interview research report data trends industry market deal deals
discount code save order shop collection season spring summer autumn winter recipe travel
destination course learn today latest top best popular editor picks issue`;

const BRANDS = `Morning Brief|The Design Letter|Tech Weekly|Café Society|Garden Notes|Runner's
Digest|Data Points|The Product Post|Indie Games Roundup|Kitchen Stories|Travel Deals|Open Source
Monthly|Market Watch|Science Today|Bücherwurm|Le Petit Journal|Photo Friday|Frontend Focus|The
Wine List|City Events|Fitness Weekly|Cloud Native News|Pet Life|Home & Living|Career Compass|
Music Finds|Film Club|Startup Digest|The Reading List|Mountain Journal|Coffee Roasters|
Climate Weekly|Bike Shop News|Crafts & Makers|Language Corner|Stargazer|Retro Computing|
Urban Farming|Jazz Notes|Chess Weekly`
  .split('|')
  .map((s) => s.replace(/\s*\n\s*/g, ' ').trim());

interface Brand {
  person: Person;
  domain: string;
  listId: string;
  colour: string;
  font: string;
}

function brands(seed: number): Brand[] {
  const rng = mulberry32(seed ^ 0x4e3e5);
  const fonts = ['Helvetica,Arial,sans-serif', 'Georgia,serif', "'Segoe UI',Roboto,sans-serif"];
  return BRANDS.map((name, k) => {
    const slug = name
      .normalize('NFD')
      .replace(/[^A-Za-z ]/g, '')
      .trim()
      .toLowerCase()
      .replace(/\s+/g, '');
    const domain = `${slug}.example`;
    return {
      person: {
        name,
        address: pick(rng, ['news', 'hello', 'newsletter', 'team']) + `@${domain}`,
        tz: 0,
      },
      domain,
      listId: `${slug}.${k}.list.${domain}`,
      colour: `#${hex(rng, 6)}`,
      font: pick(rng, fonts),
    };
  });
}

const CSS = `body{margin:0;padding:0;-webkit-text-size-adjust:100%;-ms-text-size-adjust:100%}
table,td{border-collapse:collapse;mso-table-lspace:0pt;mso-table-rspace:0pt}
img{border:0;height:auto;line-height:100%;outline:none;text-decoration:none}
a[x-apple-data-detectors]{color:inherit!important;text-decoration:none!important}
.ExternalClass{width:100%}.ExternalClass,.ExternalClass p,.ExternalClass td{line-height:100%}
@media only screen and (max-width:620px){.wrapper{width:100%!important;padding:0 12px!important}
.column{display:block!important;width:100%!important}.hide-mobile{display:none!important}
h1{font-size:26px!important;line-height:32px!important}.button a{display:block!important}}
@media (prefers-color-scheme:dark){.dark-bg{background:#111!important}.dark-text{color:#eee!important}}`;

class Newsletter {
  constructor(
    private readonly rng: Rng,
    private readonly brand: Brand,
    private readonly words: Vocabulary,
  ) {}

  /** A tracked link: the click goes through the sender's tracker first. */
  private track(): string {
    const rng = this.rng;
    return `https://click.${this.brand.domain}/ls/click?upn=${token(rng, 40 + int(rng, 80))}&amp;utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=${token(rng, 10)}`;
  }

  /** HTML of at least `size` characters; `cids` are inline images to show. */
  html(size: number, title: string, cids: string[]): { html: string; plain: string } {
    const { rng, brand, words } = this;
    const plain: string[] = [title.toUpperCase(), '='.repeat(Math.min(72, title.length)), ''];
    const td = `font-family:${brand.font};font-size:16px;line-height:24px;color:#333333;padding:12px 24px`;
    const out: string[] = [
      `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta name="viewport" content="width=device-width, initial-scale=1.0"><title>${escapeHtml(title)}</title><style type="text/css">\n${CSS}\n</style></head>`,
      `<body class="dark-bg" style="margin:0;padding:0;background-color:#f4f4f4"><div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${escapeHtml(words.sentence(rng))}&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;</div>`,
      `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f4"><tr><td align="center" style="padding:24px 0"><table role="presentation" class="wrapper" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;background-color:#ffffff;border-radius:6px">`,
      `<tr><td style="background-color:${brand.colour};padding:20px 24px"><a href="${this.track()}" target="_blank"><img src="${cids[0] ? `cid:${cids[0]}` : `https://img.${brand.domain}/logo-${hex(rng, 6)}.png`}" width="180" height="48" alt="${escapeHtml(brand.person.name)}" style="display:block;width:180px;height:48px"></a></td></tr>`,
      `<tr><td class="dark-text" style="${td}"><h1 style="margin:0;font-size:30px;line-height:38px;color:#111111">${escapeHtml(title)}</h1></td></tr>`,
    ];
    let length = out.reduce((n, s) => n + s.length, 0);
    let image = 1;
    while (length < size) {
      const heading = words.title(rng, 3 + int(rng, 6));
      const paras = words
        .paragraphs(rng, 40 + int(rng, 120))
        .map((p) => (chance(rng, 0.25) ? `${p} — ${pick(rng, ACCENTED)} ${pick(rng, EMOJI)}` : p));
      const link = this.track();
      const rows: string[] = [];
      if (chance(rng, 0.5)) {
        const src =
          image < cids.length && chance(rng, 0.7)
            ? `cid:${cids[image++]}`
            : `https://img.${brand.domain}/${hex(rng, 12)}/${token(rng, 16)}.jpg`;
        rows.push(
          `<tr><td style="padding:0 24px"><a href="${link}" target="_blank"><img src="${src}" width="552" alt="${escapeHtml(heading)}" style="display:block;width:100%;max-width:552px;height:auto;border-radius:4px"></a></td></tr>`,
        );
      }
      rows.push(
        `<tr><td class="dark-text" style="${td}"><h2 style="margin:0 0 8px 0;font-size:22px;line-height:28px;color:#111111"><a href="${link}" target="_blank" style="color:#111111;text-decoration:none">${escapeHtml(heading)}</a></h2>`,
      );
      for (const p of paras)
        rows.push(
          `<p style="margin:0 0 12px 0;font-family:${brand.font};font-size:16px;line-height:24px;color:#333333">${escapeHtml(p).replace(/ (\w{6,}) /, (_m, w: string) => ` <a href="${this.track()}" style="color:${brand.colour};text-decoration:underline">${w}</a> `)}</p>`,
        );
      rows.push(
        `<table role="presentation" cellpadding="0" cellspacing="0" border="0" class="button"><tr><td style="border-radius:4px;background-color:${brand.colour}"><a href="${link}" target="_blank" style="display:inline-block;padding:10px 20px;font-family:${brand.font};font-size:15px;color:#ffffff;text-decoration:none;font-weight:bold">${pick(rng, ['Read more', 'Read the story', 'Shop now', 'Learn more', 'Watch now', 'Weiterlesen', 'Lire la suite'])} &rarr;</a></td></tr></table></td></tr>`,
        `<tr><td style="padding:8px 24px"><hr style="border:0;border-top:1px solid #e5e5e5;margin:0"></td></tr>`,
      );
      plain.push(
        heading,
        '-'.repeat(Math.min(72, heading.length)),
        '',
        ...paras.map((p) => wrap(p) + '\n'),
        `Read more: ${link.replace(/&amp;/g, '&')}`,
        '',
      );
      for (const r of rows) length += r.length;
      out.push(...rows);
    }
    const unsubscribe = this.track();
    out.push(
      `<tr><td style="padding:24px;font-family:${brand.font};font-size:12px;line-height:18px;color:#888888;text-align:center">You are receiving this because you subscribed at ${brand.domain}.<br><a href="${this.track()}" style="color:#888888">Update your preferences</a> &middot; <a href="${unsubscribe}" style="color:#888888">Unsubscribe</a><br>${escapeHtml(brand.person.name)}, ${1 + int(rng, 999)} ${words.title(rng, 2)} Street, ${pick(rng, ['Berlin', 'Lyon', 'Austin', 'Zürich', 'Porto'])}</td></tr>`,
      `</table></td></tr></table><img src="https://t.${brand.domain}/open/${token(rng, 48)}.gif" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0"></body></html>`,
    );
    plain.push('--', `Unsubscribe: ${unsubscribe.replace(/&amp;/g, '&')}`, '');
    return { html: out.join('\n'), plain: plain.join('\n') };
  }
}

export function* newslettersShape(opts: ShapeOptions): Generator<ShapeMessage> {
  const rng = mulberry32(opts.seed ^ 0x9e75);
  const words = new Vocabulary(TOPIC, opts.seed ^ 0x9e75);
  const senders = brands(opts.seed);
  const zipf = new Zipf(senders.length, 0.8);
  const folders = opts.folders.filter((f) => !/sent/i.test(f));
  for (let i = 0; i < opts.count; i++) {
    const date = dateOf(rng, i, opts.count);
    const brand = senders[zipf.sample(rng)]!;
    const title = words.title(rng, 3 + int(rng, 6));
    const subject = `${chance(rng, 0.25) ? `${pick(rng, EMOJI)} ` : ''}${title}${chance(rng, 0.06) ? ` ${pick(rng, ACCENTED)}` : ''}`;
    const related = chance(rng, 0.25);
    const cids = related
      ? Array.from({ length: 1 + int(rng, 5) }, () => `img${hex(rng, 10)}@${brand.domain}`)
      : [];
    const letter = new Newsletter(rng, brand, words);
    const size = clamp(logNormal(rng, 60 * 1024, 0.45), 30 * 1024, 150 * 1024);
    const { html, plain } = letter.html(size, title, cids);
    const alternative = multipart('alternative', `=_alt_${hex(rng, 24)}`, [
      textPart(plain, 'plain', 'quoted-printable'),
      textPart(html, 'html', chance(rng, 0.8) ? 'quoted-printable' : 'base64'),
    ]);
    const content: Chunk[] = related
      ? multipart(
          'related',
          `=_rel_${hex(rng, 24)}`,
          [
            alternative,
            ...cids.map((cid, k): Chunk[] => [
              `Content-Type: image/${k ? 'jpeg' : 'png'}; name="${cid.split('@')[0]}.${k ? 'jpg' : 'png'}"\r\nContent-Disposition: inline; filename="${cid.split('@')[0]}.${k ? 'jpg' : 'png'}"\r\nContent-ID: <${cid}>\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
              randomBase64(
                1024 + int(rng, 11 * 1024),
                Buffer.from(k ? [0xff, 0xd8, 0xff, 0xe0] : [0x89, 0x50, 0x4e, 0x47]),
                int(rng, 0xffffffff),
              ),
            ]),
          ],
          ' type="multipart/alternative";',
        )
      : alternative;
    const unsubscribeId = token(rng, 24);
    const head = headerBlock(rng, {
      from: brand.person,
      to: OWNER,
      subject,
      date,
      messageId: `<${token(rng, 22)}.${i.toString(36)}@mail.${brand.domain}>`,
      incoming: true,
      extra: [
        `List-Id: ${brand.person.name.replace(/[^\w ]/g, '')} <${brand.listId}>`,
        `List-Unsubscribe: <mailto:unsubscribe-${unsubscribeId}@${brand.domain}>,\r\n <https://${brand.domain}/unsubscribe/${unsubscribeId}>`,
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
        'Precedence: bulk',
        `Feedback-ID: ${int(rng, 9999)}:${int(rng, 99999)}:newsletter:${brand.domain}`,
        `X-Campaign-ID: ${hex(rng, 12)}`,
        `X-Mailer: ${pick(rng, ['Sendwave 4.2', 'Postbox Mailer', 'Campaign Engine 9'])}`,
      ],
    });
    yield {
      folder: chance(rng, 0.55) || folders.length < 2 ? folders[0]! : folders[1]!,
      raw: toBuffer([head, ...content]),
      date,
      flags: chance(rng, 0.7) ? ['\\Seen'] : [],
    };
  }
}
