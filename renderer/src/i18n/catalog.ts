// The shape every language's catalog has: the English one's keys, each a string.
import type { en } from './en.js';

type Strings<T> = { readonly [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

export type Catalog = Strings<typeof en>;
