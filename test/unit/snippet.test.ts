import { describe, expect, it } from 'vitest';
import { fold, markedSnippet, termTokens } from '../../main/core/store/snippet.js';

const mark = (text: string, ...terms: string[]) =>
  markedSnippet(text, terms.map(termTokens), '[', ']');

describe('body snippets', () => {
  it('folds case and diacritics as the index does', () => {
    expect(fold('Café')).toBe('cafe');
    expect(termTokens('E-Mail Über')).toEqual(['e', 'mail', 'uber']);
  });

  it('marks every occurrence in the window, phrases as one span', () => {
    expect(mark('Meet at the Café by noon, the cafe is nice', 'cafe')).toBe(
      'Meet at the [Café] by noon, the [cafe] is nice',
    );
    expect(
      mark(
        'our quarterly planning review is due, planning alone is not',
        '"quarterly planning"'.slice(1, -1),
      ),
    ).toBe('our [quarterly planning] review is due, planning alone is not');
  });

  it('matches whole words only, in ASCII and in other text', () => {
    expect(mark('projection and projects', 'project')).toBeNull();
    expect(mark('naïve projection, then the project', 'project')).toContain('[project]');
  });

  it('cuts long text around the first match with ellipses on both sides', () => {
    const words = Array.from({ length: 300 }, (_, i) => `w${i}`);
    words[150] = 'needle';
    const s = mark(words.join(' '), 'needle')!;
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    expect(s).toContain('w149 [needle] w151');
    expect(s.length).toBeLessThan(200);
  });

  it('says null when no term occurs, so the caller can look further', () => {
    expect(mark('nothing to see here', 'absent')).toBeNull();
    expect(mark('', 'x')).toBeNull();
  });
});
