// No UI text is written into the renderer's components: JSX text, and the string literals
// of the attributes people read or hear (aria-label, title, placeholder, alt, and the
// components' own text props), must come from the catalog through t(). The scan reads every
// renderer/src/**/*.tsx with TypeScript's parser; text without a letter (×, ·, ←, a space)
// is no language and passes.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../renderer/src');

/** Attributes whose value is shown or read out: the DOM's, and the app components' text props. */
const USER_FACING = new Set([
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'title',
  'placeholder',
  'alt',
  // Components of the app that pass their prop on as text.
  'label',
  'what',
  'backLabel',
  'lockedNote',
  'includedNote',
  'countLabel',
]);

/**
 * Text with a letter that may stand as it is: a name that is the same in every language.
 * Keep it short; each entry says why.
 */
const ALLOWED = new Set<string>([
  // none: even the brand comes from the catalog (app.name)
]);

const hasLetter = (s: string) => /\p{L}/u.test(s);

interface Finding {
  file: string;
  line: number;
  text: string;
}

/** The string literals an expression can evaluate to directly (not through a call). */
function literals(node: ts.Node, out: ts.Node[]): void {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push(node);
  else if (ts.isTemplateExpression(node)) {
    const parts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('');
    if (hasLetter(parts)) out.push(node);
    for (const span of node.templateSpans) literals(span.expression, out);
  } else if (ts.isConditionalExpression(node)) {
    literals(node.whenTrue, out);
    literals(node.whenFalse, out);
  } else if (ts.isBinaryExpression(node)) {
    literals(node.left, out);
    literals(node.right, out);
  } else if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) {
    literals(node.expression, out);
  }
}

function rawStrings(file: string, source: string): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: Finding[] = [];
  const report = (node: ts.Node, text: string) => {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (!hasLetter(clean) || ALLOWED.has(clean)) return;
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    found.push({ file, line, text: clean });
  };
  const reportLiterals = (expr: ts.Expression | undefined) => {
    if (!expr) return;
    const out: ts.Node[] = [];
    literals(expr, out);
    for (const lit of out)
      report(
        lit,
        ts.isStringLiteral(lit) || ts.isNoSubstitutionTemplateLiteral(lit)
          ? lit.text
          : lit.getText(sf).slice(1, -1),
      );
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node)) report(node, node.text);
    else if (ts.isJsxExpression(node) && !ts.isJsxAttribute(node.parent)) {
      reportLiterals(node.expression);
    } else if (ts.isJsxAttribute(node) && USER_FACING.has(node.name.getText(sf))) {
      const init = node.initializer;
      if (init && ts.isStringLiteral(init)) report(init, init.text);
      else if (init && ts.isJsxExpression(init)) reportLiterals(init.expression);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsxFiles(p) : e.name.endsWith('.tsx') ? [p] : [];
  });
}

describe('UI text in the renderer', () => {
  it('is found when planted: JSX text, attributes, and literals inside expressions', () => {
    const planted = `
      export function X(p: { busy: boolean; n: number }) {
        return (
          <div title="Close the pane" aria-label={p.busy ? 'Saving…' : t('ok')}>
            Hello there
            <Loading what="Opening…" />
            <span>{p.busy ? t('a') : 'Sent'}</span>
            <span>{\`\${p.n} messages\`}</span>
            <input placeholder={'Search'} className="not-text" />
            <b>×</b> {' · '} {p.busy ? '\u2002' : null}
            {t('fine')}
          </div>
        );
      }`;
    expect(rawStrings('planted.tsx', planted).map((f) => f.text)).toEqual([
      'Close the pane',
      'Saving…',
      'Hello there',
      'Opening…',
      'Sent',
      '${p.n} messages',
      'Search',
    ]);
  });

  it('is none in renderer/src: every string a person sees comes through t()', () => {
    const files = tsxFiles(SRC);
    expect(files.length).toBeGreaterThan(40);
    const found = files.flatMap((file) =>
      rawStrings(path.relative(SRC, file), readFileSync(file, 'utf8')).map(
        (f) => `${f.file}:${f.line}: ${f.text}`,
      ),
    );
    expect(found).toEqual([]);
  });
});
