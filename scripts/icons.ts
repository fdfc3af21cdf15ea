// `npm run icons`: draws Maildock's images into resources/ from the SVG below: the app's
// icon, and the tray's, one per stack state (healthy, degraded, down, stopped), each with
// and without the unread mark, at 1x and 2x, for Linux and Windows (in colour; .ico too
// for Windows) and macOS (template images: black on transparent, the menu bar colours
// them; the state is told by the badge's shape). The PNGs are committed; run this again
// after changing a drawing.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import pngToIco from 'png-to-ico';
import type { OverallHealth } from '../common/stack.js';
import { iconName, type TrayPlatform } from '../main/app/tray-model.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'resources');

export const STATES: OverallHealth[] = ['healthy', 'degraded', 'down', 'stopped'];
/** Tray sizes at 1x (2x doubles them): what each system's tray draws. */
export const TRAY_SIZE: Record<TrayPlatform, number> = { linux: 24, win32: 16, darwin: 16 };

const COLOURS: Record<OverallHealth, string> = {
  healthy: '#2fa84f',
  degraded: '#e0a100',
  down: '#d64541',
  stopped: '#8a8f98',
};

const envelope = (stroke: string, fill: string) => `
  <rect x="8" y="18" width="48" height="34" rx="5" fill="${fill}" stroke="${stroke}" stroke-width="4"/>
  <path d="M10 21 L32 38 L54 21" fill="none" stroke="${stroke}" stroke-width="4" stroke-linejoin="round"/>`;

/** The badge at the bottom right; in colour a dot, in a template a shape per state. */
function badge(state: OverallHealth, template: boolean): string {
  const cut = template ? '' : ' stroke="#ffffff" stroke-width="3"';
  if (!template) return `<circle cx="50" cy="50" r="11" fill="${COLOURS[state]}"${cut}/>`;
  switch (state) {
    case 'healthy':
      return '';
    case 'degraded':
      return '<path d="M50 37 L62 60 L38 60 Z" fill="#000"/><rect x="48.5" y="45" width="3" height="8" fill="#fff"/><rect x="48.5" y="55" width="3" height="3" fill="#fff"/>';
    case 'down':
      return '<circle cx="50" cy="50" r="12" fill="#000"/><path d="M45 45 L55 55 M55 45 L45 55" stroke="#fff" stroke-width="3.5" stroke-linecap="round"/>';
    case 'stopped':
      return '<circle cx="50" cy="50" r="12" fill="#000"/><rect x="45" y="45" width="10" height="10" fill="#fff"/>';
  }
}

export function traySvg(state: OverallHealth, unread: boolean, template: boolean): string {
  const ink = template ? '#000' : '#3b6fd8';
  const paper = template ? 'none' : '#ffffff';
  // A stopped stack draws the envelope faint in colour; in a template, the badge says it.
  const opacity = !template && state === 'stopped' ? ' opacity="0.6"' : '';
  const dot = unread
    ? `<circle cx="52" cy="14" r="10" fill="${template ? '#000' : '#3b6fd8'}"${template ? '' : ' stroke="#ffffff" stroke-width="3"'}/>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><g${opacity}>${envelope(ink, paper)}</g>${badge(state, template)}${dot}</svg>`;
}

export const APP_ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
  <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="#4a82ec"/><stop offset="1" stop-color="#2a56b8"/>
  </linearGradient></defs>
  <rect x="2" y="2" width="60" height="60" rx="14" fill="url(#g)"/>
  <rect x="12" y="20" width="40" height="27" rx="4" fill="#ffffff"/>
  <path d="M14 22 L32 36 L50 22" fill="none" stroke="#2a56b8" stroke-width="3.5" stroke-linejoin="round"/>
  <rect x="10" y="50" width="44" height="5" rx="2.5" fill="#ffffff" opacity="0.85"/>
</svg>`;

const render = (svg: string, size: number) =>
  new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  await writeFile(path.join(OUT, 'icon.svg'), APP_ICON_SVG);
  await writeFile(path.join(OUT, 'icon.png'), render(APP_ICON_SVG, 1024));
  const sizes = path.join(OUT, 'icons');
  await mkdir(sizes, { recursive: true });
  for (const s of [16, 32, 48, 64, 128, 256, 512]) {
    await writeFile(path.join(sizes, `${s}x${s}.png`), render(APP_ICON_SVG, s));
  }
  for (const platform of Object.keys(TRAY_SIZE) as TrayPlatform[]) {
    const dir = path.join(OUT, 'tray', platform);
    await mkdir(dir, { recursive: true });
    const size = TRAY_SIZE[platform];
    for (const state of STATES) {
      for (const unread of [false, true]) {
        const svg = traySvg(state, unread, platform === 'darwin');
        const name = iconName(state, unread, platform);
        const one = render(svg, size);
        const two = render(svg, size * 2);
        await writeFile(path.join(dir, `${name}.png`), one);
        await writeFile(path.join(dir, `${name}@2x.png`), two);
        if (platform === 'win32')
          await writeFile(path.join(dir, `${name}.ico`), await pngToIco([one, two]));
      }
    }
  }
  console.log(`Images written to ${path.relative(ROOT, OUT)}/`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
