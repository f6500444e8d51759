// vitest globalSetup: tests that run bin/sigprop.js (and worker threads started from it) run the
// compiled dist/, so build it once before any test file starts rather than in each child process.
import { buildIfStale } from '../../scripts/build.mjs';

export default function setup(): void {
  const failure = buildIfStale(new URL('../..', import.meta.url).pathname);
  if (failure) throw new Error(`could not build dist/: ${failure}`);
}
