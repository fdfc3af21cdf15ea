/** Deterministic random strings made of the given pieces, for inputs nobody would think of. */
export function* randomInputs(
  pieces: readonly string[],
  count: number,
  maxPieces: number,
  seed: number,
): Generator<string> {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8;
  for (let n = 0; n < count; n++) {
    let input = '';
    for (let k = next() % maxPieces; k > 0; k--) input += pieces[next() % pieces.length];
    yield input;
  }
}
