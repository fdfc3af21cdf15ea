import { describe, expect, it } from 'vitest';
import { safeFileName } from '../../main/cli/files.js';

describe('safeFileName', () => {
  it('keeps a plain name and never a path the sender chose', () => {
    expect(safeFileName('report.pdf')).toBe('report.pdf');
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\boot.ini')).toBe('boot.ini');
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('a\u0000b\nc.txt')).toBe('abc.txt');
    expect(safeFileName('..')).toBe('attachment');
    expect(safeFileName(null)).toBe('attachment');
    expect(safeFileName('x'.repeat(500))).toHaveLength(200);
  });
});
