// The store's engines for the tests of its behaviour: each runs the same describe block
// (`describe.each(storeEngines)`), so another engine is one more line here. Each call opens
// a new, empty store.
import type { EngineName, Store } from '../../main/core/store/index.js';
import { sqliteStore } from './store.js';

export const storeEngines: [EngineName, () => Promise<Store>][] = [
  ['sqlite', () => Promise.resolve(sqliteStore())],
];
