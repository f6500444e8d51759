import { createRequire } from 'node:module';
import type * as PlotModule from '@observablehq/plot';
import type { parseHTML } from 'linkedom';

interface PlotLibrary {
  Plot: typeof PlotModule;
  /** the linkedom document Plot builds its SVG elements in */
  document: ReturnType<typeof parseHTML>['document'];
}

let library: PlotLibrary | undefined;

/**
 * Observable Plot and a linkedom document, loaded at the first plot: together they cost about
 * 0.25 s of CPU that `sigprop --version`, `--help` and `list` should not pay. Synchronous, so the
 * renderers stay synchronous (Node >= 20.19 requires ES modules such as Plot).
 */
export function plotLibrary(): PlotLibrary {
  if (!library) {
    const require = createRequire(import.meta.url);
    const linkedom = require('linkedom') as { parseHTML: typeof parseHTML };
    library = {
      Plot: require('@observablehq/plot') as typeof PlotModule,
      document: linkedom.parseHTML('<!doctype html><html><body></body></html>').document,
    };
  }
  return library;
}
