// zod compiles fast validators with `new Function` unless told not to, and decides when
// the contract's schemas are built, on import. The app's CSP forbids eval, so this module
// is imported first, before anything that imports a schema.
import { z } from 'zod';

z.config({ jitless: true });
