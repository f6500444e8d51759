#!/usr/bin/env node
// Runs the compiled CLI in dist/ (`npm run build`; `npm ci` runs it through `prepare`). In a source
// checkout it first rebuilds dist/ if a source file changed since the last build.
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url);
if (existsSync(new URL('tsconfig.build.json', root)) && existsSync(new URL('src', root))) {
  const { buildIfStale } = await import('../scripts/build.mjs');
  const failure = buildIfStale(new URL('.', root).pathname);
  if (failure) {
    process.stderr.write(`sigprop: internal error: could not build dist/: ${failure}\n`);
    process.exit(3);
  }
}
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
