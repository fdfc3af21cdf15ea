// The env-file format (`KEY=value` lines) read with the line each key is on, so that a wrong
// key or value can be pointed at. Node's util.parseEnv gives no line numbers, and silently
// takes a line it cannot read for nothing.
//
// What is understood: empty lines and `#` comments; an optional `export ` before the key;
// values bare (a ` #` ends them, surrounding blanks are dropped), in single quotes (taken as
// written, over several lines if need be) or in double quotes (\n, \r, \t, \" and \\ are
// escapes, several lines allowed). A key set twice is refused: which one wins would be a
// guess.
import { MaildockError } from '../../common/errors.js';

export interface EnvEntry {
  key: string;
  value: string;
  /** 1-based line the key is on. */
  line: number;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

function refuse(message: string, file: string, line: number, key?: string): never {
  throw new MaildockError(
    'INVALID_INPUT',
    `${file}:${line}: ${message}`,
    key === undefined ? { file, line } : { file, line, key },
  );
}

/** The entries of an env file's text; `file` names it in errors. */
export function parseEnvFile(text: string, file: string): EnvEntry[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const entries: EnvEntry[] = [];
  const seen = new Map<string, number>();
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const raw = lines[index]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const body = raw.replace(/^export\s+/, '');
    const eq = body.indexOf('=');
    if (eq < 0) refuse('expected KEY=value.', file, lineNo);
    const key = body.slice(0, eq).trim();
    if (!KEY.test(key)) refuse(`"${key}" is not a valid key name.`, file, lineNo);
    const earlier = seen.get(key);
    if (earlier !== undefined)
      refuse(`${key} is set again (first on line ${earlier}).`, file, lineNo, key);
    seen.set(key, lineNo);

    const rest = body.slice(eq + 1).trimStart();
    const quote = rest[0];
    let value: string;
    if (quote === '"' || quote === "'") {
      // The quoted value may go on over the next lines, up to its closing quote.
      let source = rest.slice(1);
      let end = closingQuote(source, quote);
      while (end < 0 && index + 1 < lines.length) {
        index++;
        source += `\n${lines[index]!}`;
        end = closingQuote(source, quote);
      }
      if (end < 0) refuse(`the value of ${key} has no closing ${quote}.`, file, lineNo, key);
      const after = source.slice(end + 1).trim();
      if (after !== '' && !after.startsWith('#'))
        refuse(`unexpected text after the quoted value of ${key}.`, file, lineNo, key);
      const inner = source.slice(0, end);
      value = quote === '"' ? inner.replace(/\\(.)/g, (m, c: string) => ESCAPES[c] ?? m) : inner;
    } else {
      value = rest.replace(/\s+#.*$/, '').trim();
    }
    entries.push({ key, value, line: lineNo });
  }
  return entries;
}

/** Where the quote that ends the value is; -1 when there is none yet. */
function closingQuote(source: string, quote: string): number {
  for (let i = 0; i < source.length; i++) {
    if (quote === '"' && source[i] === '\\') i++;
    else if (source[i] === quote) return i;
  }
  return -1;
}
