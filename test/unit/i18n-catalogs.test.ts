// The catalogs agree: German has exactly the keys of English (each plural key in the forms
// its language's plural rules have), no empty text, and the same interpolation variables and
// markup tags per key; English says each error code's sentence as common/errors.ts does for
// the command line.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_TEXT } from '../../common/errors.js';
import { de } from '../../renderer/src/i18n/de.js';
import { en } from '../../renderer/src/i18n/en.js';

type Tree = { readonly [key: string]: string | Tree };

function flat(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flat(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Keys grouped by their base: a plural key's forms under one name, with their categories. */
function grouped(strings: Map<string, string>) {
  const groups = new Map<string, { forms: Set<string>; texts: string[] }>();
  for (const [key, text] of strings) {
    const m = PLURAL.exec(key);
    const base = m ? key.slice(0, m.index) : key;
    const g = groups.get(base) ?? { forms: new Set<string>(), texts: [] };
    g.forms.add(m ? m[1]! : '');
    g.texts.push(text);
    groups.set(base, g);
  }
  return groups;
}

const variables = (texts: string[]) =>
  [
    ...new Set(texts.flatMap((t) => [...t.matchAll(/{{\s*([\w.]+)\s*}}/g)].map((m) => m[1]))),
  ].sort();
const tags = (texts: string[]) =>
  [...new Set(texts.flatMap((t) => [...t.matchAll(/<\/?(\w+)\s*\/?>/g)].map((m) => m[0])))].sort();

const CATALOGS = { en, de } as const;
const plurals = (lang: string) =>
  new Set(new Intl.PluralRules(lang).resolvedOptions().pluralCategories);

describe('the message catalogs', () => {
  const source = grouped(flat(en));

  for (const [lang, catalog] of Object.entries(CATALOGS)) {
    const groups = grouped(flat(catalog as Tree));

    it(`${lang} has every key of English, and no other`, () => {
      expect([...groups.keys()].sort()).toEqual([...source.keys()].sort());
    });

    it(`${lang} has each plural key in exactly the forms of its plural rules`, () => {
      const wanted = [...plurals(lang)].sort();
      const wrong = [...groups]
        .filter(
          ([base]) => source.get(base)!.forms.has('one') || source.get(base)!.forms.has('other'),
        )
        .filter(([, g]) => JSON.stringify([...g.forms].sort()) !== JSON.stringify(wanted))
        .map(([base, g]) => `${base}: ${[...g.forms].join(',')}`);
      expect(wrong).toEqual([]);
    });

    it(`${lang} has no empty text`, () => {
      expect([...flat(catalog as Tree)].filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual(
        [],
      );
    });

    it(`${lang} uses the same variables and tags as English in each key`, () => {
      const differ = [...groups]
        .filter(([base, g]) => {
          const s = source.get(base)!;
          return (
            JSON.stringify(variables(g.texts)) !== JSON.stringify(variables(s.texts)) ||
            JSON.stringify(tags(g.texts)) !== JSON.stringify(tags(s.texts))
          );
        })
        .map(([base]) => base);
      expect(differ).toEqual([]);
    });
  }

  it('a planted gap is caught: a missing key, a missing plural form, a lost variable', () => {
    const broken = grouped(flat({ a: 'x {{n}}', b_one: 'y' }));
    const good = grouped(flat({ a: 'x {{m}}', b_one: 'y', b_other: 'ys', c: 'z' }));
    expect([...good.keys()].filter((k) => !broken.has(k))).toEqual(['c']);
    expect([...broken.get('b')!.forms]).toEqual(['one']);
    expect(variables(broken.get('a')!.texts)).not.toEqual(variables(good.get('a')!.texts));
  });

  it('English says each error code as the command line does', () => {
    expect(Object.keys(en.errors.codes).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) expect(en.errors.codes[code]).toBe(ERROR_TEXT[code]);
  });
});
