// The store's engines for the tests of its behaviour: each runs the same describe block
// (`describe.each(storeEngines)`), so another engine is one more line here. Each call opens
// a new, empty store; `closeEngineStores` (in afterEach) closes what they opened.
import type { EngineName, Store } from '../../main/core/store/index.js';
import { sqliteStore } from './store.js';

const opened: Store[] = [];

async function kept(store: Store | Promise<Store>): Promise<Store> {
  const open = await store;
  opened.push(open);
  return open;
}

export const storeEngines: [EngineName, () => Promise<Store>][] = [
  ['sqlite', () => kept(sqliteStore())],
];

export async function closeEngineStores(): Promise<void> {
  for (const store of opened.splice(0)) await store.close();
}
