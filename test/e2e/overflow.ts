// What of the page reaches past the window's right or left edge, as the layout tests check
// it in any language: evaluated in the page, a list of the elements that stick out.

/** What of each element can be seen (cut by every ancestor that clips) past the edges. */
export const OVERFLOW = `(() => {
  const width = window.innerWidth;
  const out = [];
  const page = document.scrollingElement;
  if (page.scrollWidth > width) out.push('the page scrolls sideways: ' + page.scrollWidth);
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    let left = box.left;
    let right = box.right;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX === 'visible') continue;
      const clip = p.getBoundingClientRect();
      left = Math.max(left, clip.left);
      right = Math.min(right, clip.right);
    }
    if (right - left <= 0) continue;
    if (left < -0.5 || right > width + 0.5) {
      const name = el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '');
      out.push(name + ' ' + Math.round(left) + '..' + Math.round(right));
    }
  }
  return out;
})()`;
