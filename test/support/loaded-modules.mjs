// Preloaded with `node --import`: on exit, prints to stderr every module the process loaded, ES
// modules through a resolve hook and CommonJS ones from require's cache (tfjs and @stdlib are
// required lazily), one `loaded <path>` line each. The start-up test reads them.
import { createRequire, register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(
      'export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write(`loaded ${r.url}\\n`); return r; }',
    ),
);
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  for (const path of Object.keys(cache)) process.stderr.write(`loaded ${path}\n`);
});
