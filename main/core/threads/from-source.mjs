// A worker's entry when Maildock runs from its TypeScript sources (see start.ts): the module
// named by the first argument, loaded through tsx. Never part of dist/, which runs the JS.
import process from 'node:process';
import { tsImport } from 'tsx/esm/api';

const [entry] = process.argv.splice(2, 1);
if (!entry) throw new Error('from-source.mjs needs the URL of the module to run');
await tsImport(entry, import.meta.url);
