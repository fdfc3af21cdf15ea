// axe-core in the page, as the accessibility tests run it: the serious and critical
// violations come back, the others are printed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export async function seriousViolations(page: Page, view: string): Promise<string[]> {
  if ((await page.evaluate('typeof window.axe')) === 'undefined') {
    // The app's CSP allows scripts of its own origin only: the source goes in through the
    // DevTools protocol, which the page's policy does not govern.
    await page.evaluate(AXE_SOURCE);
  }
  const violations = (await page.evaluate(
    `axe.run(document, { iframes: false, resultTypes: ['violations'] }).then((r) => r.violations)`,
  )) as Violation[];
  const line = (v: Violation) =>
    `${view}: [${v.impact}] ${v.id}: ${v.help} — ${v.nodes
      .slice(0, 5)
      .map((n) => n.target.join(' '))
      .join(', ')}`;
  const minor = violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
  if (minor.length) console.log(minor.map(line).join('\n'));
  return violations.filter((v) => !minor.includes(v)).map(line);
}
