// The store's engines for the tests of its behaviour: each runs the same describe block
// (`describe.each(storeEngines)`), so another engine is one more line here.
import type { EngineName, Store } from '../../main/core/store/index.js';
import { storeWithInbox } from './store.js';

export interface StoreWithInbox {
  store: Store;
  accountId: number;
  inbox: number;
}

export const storeEngines: [EngineName, () => Promise<StoreWithInbox>][] = [
  ['sqlite', () => storeWithInbox()],
];
