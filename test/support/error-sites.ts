// Every `new MaildockError(code, message, fields)` in the sources, read with TypeScript's own
// parser: the code it names and the field names it passes. The contract test checks its
// table of real errors against this list, so a new code or field cannot slip past it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ErrorSite {
  /** file:line, for the failure message. */
  where: string;
  /** The code when it is a literal; null when it is computed. */
  code: string | null;
  /** The field names passed; null when the fields are a value built elsewhere. */
  fields: string[] | null;
  /** `new MaildockError(err.code, …)`: another error's code, said again in other words. */
  passThrough: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** A `const name = …` of the file, for fields made just before the error. */
function constInitializer(source: ts.SourceFile, name: string): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name) {
      found ??= node.initializer;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The names an object literal gives, through spreads of literals and of `cond ? {…} : {…}`. */
function literalKeys(node: ts.Expression): string[] | null {
  if (ts.isIdentifier(node)) {
    const init = constInitializer(node.getSourceFile(), node.text);
    return init ? literalKeys(init) : parameterKeys(node);
  }
  if (ts.isParenthesizedExpression(node)) return literalKeys(node.expression);
  // Another error's fields, said again: they are counted where that error is made.
  if (/\.fields( \?\? \{\})?$/.test(node.getText())) return [];
  if (ts.isConditionalExpression(node)) {
    const a = literalKeys(node.whenTrue);
    const b = literalKeys(node.whenFalse);
    return a && b ? [...a, ...b] : null;
  }
  if (!ts.isObjectLiteralExpression(node)) return null;
  const keys: string[] = [];
  for (const prop of node.properties) {
    if (ts.isSpreadAssignment(prop)) {
      const inner = literalKeys(prop.expression);
      if (!inner) return null;
      keys.push(...inner);
    } else if (prop.name && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))) {
      keys.push(prop.name.text);
    } else {
      return null;
    }
  }
  return keys;
}

/**
 * Fields that are a parameter of a small helper (`unavailable(message, fields)`): the keys
 * of what every call of that helper in the file passes.
 */
function parameterKeys(node: ts.Identifier): string[] | null {
  let fn: ts.Node | undefined = node.parent;
  while (fn && !ts.isFunctionDeclaration(fn)) fn = fn.parent;
  if (!fn || !ts.isFunctionDeclaration(fn) || !fn.name) return null;
  const index = fn.parameters.findIndex(
    (p) => ts.isIdentifier(p.name) && p.name.text === node.text,
  );
  if (index < 0) return null;
  const name = fn.name.text;
  const keys: string[] = [];
  let unknown = false;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === name) {
      const arg = n.arguments[index];
      const found = arg ? literalKeys(arg) : [];
      if (found) keys.push(...found);
      else unknown = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(node.getSourceFile());
  return unknown ? null : keys;
}

export function findErrorSites(root: string, dirs: readonly string[]): ErrorSite[] {
  const sites: ErrorSite[] = [];
  for (const file of dirs.flatMap((d) => sourceFiles(path.join(root, d)))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('MaildockError(')) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (
        ts.isNewExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'MaildockError'
      ) {
        const [code, , fields] = node.arguments ?? [];
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        const isLiteral = code !== undefined && ts.isStringLiteralLike(code);
        sites.push({
          where: `${path.relative(root, file)}:${line}`,
          code: isLiteral ? code.text : null,
          fields: fields ? literalKeys(fields) : [],
          passThrough: !isLiteral && code !== undefined && /\.code$/.test(code.getText()),
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return sites;
}
