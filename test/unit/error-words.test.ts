// One describeError() says every error: for each code of the closed set, the terminal says
// its sentence from the one table, and renderer-error-words.test.tsx holds every screen to
// the same. Any other code-to-text lookup in the source (a fifth copy) fails here.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../common/error-words.js';
import { ERROR_CODES, ERROR_TEXT, type ErrorCode, type ErrorData } from '../../common/errors.js';
import { printError, type Out } from '../../main/cli/output.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

const errorOf = (code: ErrorCode): ErrorData => ({
  code,
  message: `What the core said about ${code.toLowerCase()}.`,
  fields: { hint: 'What to do next.' },
});

function terminal(error: ErrorData, json = false): string {
  let text = '';
  const out: Out = {
    json,
    isTTY: false,
    write: (s) => void (text += s),
    err: (s) => void (text += s),
  };
  printError(out, error);
  return text;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((f) => f.isFile() && /\.tsx?$/.test(f.name))
    .map((f) => path.relative(ROOT, path.join(f.parentPath, f.name)));
}

describe('describeError on the terminal', () => {
  it.each(ERROR_CODES)(
    '%s: the message, then the code with its sentence, then the hint',
    (code) => {
      const error = errorOf(code);
      const words = describeError(error);
      expect(words.sentence).toBe(ERROR_TEXT[code]);
      expect(words.hint).toBe('What to do next.');
      expect(terminal(error)).toBe(
        `maildock: ${error.message}\n  (${code}: ${words.sentence})\n  What to do next.\n`,
      );
    },
  );

  it('keeps an internal message for the local user, and names the code alone when the message is the sentence', () => {
    const internal: ErrorData = {
      code: 'INTERNAL',
      message: 'SQLITE_CORRUPT: database disk image is malformed',
    };
    expect(describeError(internal).detail).toBeNull();
    expect(terminal(internal)).toBe(
      `maildock: ${internal.message}\n  (INTERNAL: ${ERROR_TEXT.INTERNAL})\n`,
    );
    const plain: ErrorData = { code: 'TIMEOUT', message: ERROR_TEXT.TIMEOUT };
    expect(terminal(plain)).toBe(`maildock: ${ERROR_TEXT.TIMEOUT}\n  (TIMEOUT)\n`);
    expect(JSON.parse(terminal(plain, true))).toEqual({ error: plain });
  });

  it('gives each code its own sentence, so a sentence names its code', () => {
    const sentences = ERROR_CODES.map((code) => describeError(errorOf(code)).sentence);
    expect(new Set(sentences).size).toBe(ERROR_CODES.length);
  });

  it('is the only place that looks a code up in the table', () => {
    const files = ['common', 'main', 'preload', 'renderer/src'].flatMap(sourceFiles);
    expect(files).toContain('common/error-words.ts');
    const lookups = files.filter((file) =>
      /ERROR_TEXT\[|Record<ErrorCode,\s*string>/.test(readFileSync(path.join(ROOT, file), 'utf8')),
    );
    expect(lookups.sort()).toEqual(['common/error-words.ts', 'common/errors.ts']);
  });
});
