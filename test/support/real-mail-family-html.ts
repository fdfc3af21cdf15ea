// The HTML of common senders: Outlook, newsletters, phones and webmail, and the markup that
// splits words or hides text.
import type { Family } from './real-mail-context.js';
import { crlf, encodeBody, multipart, textPart } from './real-mail-mime.js';
import { FILLER } from './real-mail-words.js';

export const outlookHtml: Family = {
  name: 'Outlook HTML',
  make(c, v) {
    const [w1, w2, quoted] = [c.word(), c.word(), c.word()];
    const [styleWord, commentWord, xmlWord] = [c.word(), c.word(), c.word()];
    const subject = `RE: ${c.rng.pick(FILLER.en)} ${c.word()}`;
    const p = (s: string) => `<p class=MsoNormal>${s}<o:p></o:p></p>`;
    const html =
      `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">\n` +
      `<head><meta http-equiv=Content-Type content="text/html; charset=windows-1252"><meta name=Generator content="Microsoft Word 15 (filtered medium)">\n` +
      `<!--[if !mso]><style>v\\:* {behavior:url(#default#VML);}\no\\:* {behavior:url(#default#VML);}\n</style><![endif]--><style><!--\n/* Font Definitions */\n@font-face\n\t{font-family:"Cambria Math";\n\tpanose-1:2 4 5 3 5 4 6 3 2 4;}\np.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0cm;\n\tfont-size:11.0pt;\n\tfont-family:"Calibri",sans-serif;}\n/* ${styleWord} */\nspan.EmailStyle17\n\t{mso-style-type:personal-compose;}\n--></style>` +
      `<!--[if gte mso 9]><xml>\n<o:shapedefaults v:ext="edit" spidmax="1026" />\n<o:DocumentProperties>${xmlWord}</o:DocumentProperties>\n</xml><![endif]--></head>` +
      `<body lang=EN-US link="#0563C1" vlink="#954F72" style='word-wrap:break-word'><div class=WordSection1>` +
      p('Hi team,') +
      p('<o:p>&nbsp;</o:p>') +
      p(`${c.prose(3, [w1])} The \u201c${w2}\u201d figures are final.`) +
      `<!-- ${commentWord} -->` +
      p('<o:p>&nbsp;</o:p>') +
      p('Regards,<br>Ana') +
      `<div><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>` +
      p(
        `<b>From:</b> Bram de Vries &lt;bram@example.net&gt; <br><b>Sent:</b> Monday, March 4, 2024 9:12 AM<br><b>Subject:</b> figures`,
      ) +
      `</div></div>` +
      p(c.prose(3, [quoted])) +
      `</div></body></html>`;
    const kind = v % 2;
    const b = c.boundary();
    const htmlPart = textPart(c.rng, 'html', html, {
      codec: 'windows-1252',
      label: 'windows-1252',
      cte: 'quoted-printable',
    });
    return {
      detail: kind ? 'with stub text part' : 'HTML only',
      raw: c.mail({
        subject,
        extra: [
          'Thread-Topic: figures',
          `Thread-Index: ${c.rng.bytes(22).toString('base64')}`,
          'X-MS-Has-Attach:',
          'Content-Language: en-US',
        ],
        content: kind
          ? [`Content-Type: multipart/alternative; boundary="${b}"`]
          : [
              'Content-Type: text/html; charset="windows-1252"',
              'Content-Transfer-Encoding: quoted-printable',
            ],
        body: kind
          ? multipart(b, [
              textPart(c.rng, 'plain', 'Hi team,\n\nThe figures are final.\n', {
                label: 'us-ascii',
              }),
              htmlPart,
            ])
          : htmlPart.subarray(htmlPart.indexOf('\r\n\r\n') + 4),
      }),
      expect: {
        subject,
        words: [w1, w2, quoted],
        absent: [styleWord, commentWord, xmlWord],
        attachments: 0,
      },
    };
  },
};

export const newsletter: Family = {
  name: 'newsletter HTML',
  make(c, v) {
    const [headline, story, msoOnly] = [c.word(), c.word(), c.word()];
    const [cssWord, scriptWord, jsonWord, commentWord, titleWord] = [
      c.word(),
      c.word(),
      c.word(),
      c.word(),
      c.word(),
    ];
    const nonMso = c.word();
    const subject = `${c.rng.pick(['This week', 'Your March update', 'Last chance'])}: ${headline}`;
    const rows = Array.from(
      { length: c.rng.int(3, 12) },
      (_, i) =>
        `<tr><td class="story" style="padding:12px 24px;font-family:Arial,sans-serif;"><h2 style="margin:0">Item ${i + 1}</h2>` +
        `<p>${c.prose(2, i === 1 ? [story] : [])}</p><a href="https://news.example.com/r/${c.rng.hex(12)}" style="color:#0066cc">Read more &rarr;</a></td></tr>`,
    ).join('\n');
    const html =
      `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">` +
      `<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">` +
      `<title>${titleWord}</title><style type="text/css">@media only screen and (max-width:480px){ .story{padding:8px !important} } .${cssWord}{display:none}</style>` +
      `<script type="application/ld+json">{"@context":"http://schema.org","@type":"EmailMessage","description":"${jsonWord}"}</script>` +
      `<script>var ${scriptWord} = 1;</script></head>` +
      `<body style="margin:0;padding:0;background:#f4f4f4">` +
      `<div style="display:none;max-height:0;overflow:hidden">Fresh picks inside&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;</div>` +
      `<!--[if mso]><table width="600"><tr><td>${msoOnly}</td></tr></table><![endif]-->` +
      `<!--[if !mso]><!--><p>${nonMso}</p><!--<![endif]-->` +
      `<!-- ${commentWord} tracking block -->` +
      `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td align="center">` +
      `<table width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><h1 style="font-size:28px">${headline}</h1></td></tr>${rows}` +
      `<tr><td style="font-size:11px;color:#999">You are receiving this because you signed up. <a href="https://news.example.com/u/${c.rng.hex(16)}">Unsubscribe</a></td></tr></table>` +
      `</td></tr></table><img src="https://news.example.com/o/${c.rng.hex(20)}.gif" width="1" height="1" alt=""></body></html>`;
    const b = c.boundary();
    const cte = c.rng.pick(['quoted-printable', 'base64'] as const);
    const stub = v % 3 === 2;
    return {
      detail: `${rows.length} bytes of rows, ${cte}${stub ? ', stub text part' : ''}`,
      raw: c.mail({
        subject,
        from: '"Example News" <news@news.example.com>',
        extra: [
          `List-Unsubscribe: <https://news.example.com/u/${c.rng.hex(16)}>, <mailto:unsub-${c.rng.hex(8)}@news.example.com>`,
          'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
          `List-Id: Example News <news.example.com>`,
          'Precedence: bulk',
          `Feedback-ID: ${c.rng.int(1000, 9999)}:news:example`,
        ],
        content: stub
          ? [`Content-Type: multipart/alternative; boundary="${b}"`]
          : ['Content-Type: text/html; charset=UTF-8', `Content-Transfer-Encoding: ${cte}`],
        body: stub
          ? multipart(b, [
              textPart(
                c.rng,
                'plain',
                'View this email in your browser: https://news.example.com/v/1',
              ),
              textPart(c.rng, 'html', html, { cte }),
            ])
          : encodeBody(Buffer.from(crlf(html)), cte),
      }),
      expect: {
        subject,
        words: [headline, story, nonMso],
        // msoOnly sits in a comment too: only Outlook renders it.
        absent: [cssWord, scriptWord, jsonWord, commentWord, titleWord, msoOnly],
        attachments: 0,
      },
    };
  },
};

export const htmlWordSplits: Family = {
  name: 'HTML words split by markup',
  make(c, v) {
    const [tagged, shy, entity1, entity2, br1, br2] = [
      c.word(),
      c.word(),
      c.word(),
      c.word(),
      c.word(),
      c.word(),
    ];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const half = (w: string) => [w.slice(0, 3), w.slice(3)] as const;
    const [t1, t2] = half(tagged);
    const [s1, s2] = half(shy);
    const encoded = [...entity1]
      .map((ch, i) => (i % 2 ? `&#${ch.charCodeAt(0)};` : `&#x${ch.charCodeAt(0).toString(16)};`))
      .join('');
    const html =
      `<html><body><div style="font-family:Helvetica">` +
      `<p>${c.prose(2)} ${t1}<b>${t2}</b> ${c.prose(1)}</p>` +
      `<p>${s1}&shy;${s2} and ${encoded} and caf&eacute;&nbsp;${entity2}</p>` +
      `<div>${br1}<br>${br2}</div>` +
      `</div></body></html>`;
    return {
      detail: v % 2 ? 'quoted-printable' : '8bit',
      raw: c.mail({
        subject,
        content: [
          'Content-Type: text/html; charset=utf-8',
          `Content-Transfer-Encoding: ${v % 2 ? 'quoted-printable' : '8bit'}`,
        ],
        body: encodeBody(Buffer.from(crlf(html)), v % 2 ? 'quoted-printable' : '8bit'),
      }),
      expect: { subject, words: [tagged, shy, entity1, entity2, br1, br2], attachments: 0 },
    };
  },
};

export const phoneAndWebmail: Family = {
  name: 'phone and webmail HTML replies',
  make(c, v) {
    const [reply, quoted, deeper] = [c.word(), c.word(), c.word()];
    const subject = `Re: ${c.rng.pick(FILLER.en)} ${c.word()}`;
    const gmail = v % 2 === 0;
    const html = gmail
      ? `<div dir="ltr">${c.prose(2, [reply])}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 4 Mar 2024 at 09:12, Ana Torres &lt;<a href="mailto:ana.torres@example.org">ana.torres@example.org</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"><div dir="ltr">${c.prose(3, [quoted])}<blockquote class="gmail_quote">${c.prose(2, [deeper])}</blockquote></div></blockquote></div>`
      : `<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body dir="auto">${c.prose(2, [reply])}<br><br><div dir="ltr">Sent from my iPhone</div><div dir="ltr"><br><blockquote type="cite">On 4 Mar 2024, at 09:12, Ana Torres &lt;ana.torres@example.org&gt; wrote:<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">${c.prose(3, [quoted])}<blockquote>${c.prose(2, [deeper])}</blockquote></div></blockquote></body></html>`;
    const b = c.boundary();
    const text = `${c.prose(2, [reply])}\n\nOn Mon, 4 Mar 2024 at 09:12, Ana Torres wrote:\n> ${c.prose(3, [quoted]).replace(/\n/g, '\n> ')}\n>> ${c.prose(2, [deeper]).replace(/\n/g, '\n>> ')}\n`;
    return {
      detail: gmail ? 'Gmail' : 'iPhone',
      raw: c.mail({
        subject,
        extra: [`In-Reply-To: <${c.rng.hex(16)}@example.org>`],
        content: [`Content-Type: multipart/alternative; boundary="${b}"`],
        body: multipart(b, [
          textPart(c.rng, 'plain', text, { cte: 'quoted-printable' }),
          textPart(c.rng, 'html', html, { cte: 'quoted-printable' }),
        ]),
      }),
      expect: { subject, words: [reply, quoted, deeper], attachments: 0 },
    };
  },
};

export const dataUriImage: Family = {
  name: 'HTML with a data: URI image',
  make(c, v) {
    const word = c.word();
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const png = Buffer.concat([
      Buffer.from('89504e470d0a1a0a', 'hex'),
      c.rng.bytes(2000 + v * 3000),
    ]);
    const html = `<html><body><p>${c.prose(3, [word])}</p><img src="data:image/png;base64,${png.toString('base64')}" alt="chart"></body></html>`;
    return {
      detail: `${png.length} byte image`,
      raw: c.mail({
        subject,
        content: [
          'Content-Type: text/html; charset=utf-8',
          'Content-Transfer-Encoding: quoted-printable',
        ],
        body: encodeBody(Buffer.from(html), 'quoted-printable'),
      }),
      expect: { subject, words: [word], attachments: 0 },
    };
  },
};
