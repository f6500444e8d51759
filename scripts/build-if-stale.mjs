// In a source checkout, rebuilds dist/ when a file under src/ is newer than the last build, so
// `node bin/sigprop.js` and the tests never run stale compiled code. Not part of the package (an
// installed sigprop has no src/ and is never rebuilt).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const STAMP = '.built';

function newestSource(src) {
  let newest = 0;
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/** Returns undefined when dist/ is current (or was rebuilt), else why the build failed. */
export function buildIfStale(root, log = (text) => process.stderr.write(`${text}\n`)) {
  const stamp = join(root, 'dist', STAMP);
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : -1;
  if (built >= newestSource(join(root, 'src'))) return undefined;
  log(`sigprop: ${built < 0 ? 'dist/ not built yet' : 'sources changed since the last build'}; building dist/ (npm run build)`);
  const startedAt = Date.now();
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { encoding: 'utf8' });
  // type errors still emit JavaScript; `npm run typecheck` is where they fail
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) return `tsc produced no dist/cli/main.js\n${run.stdout}${run.stderr}`;
  writeFileSync(stamp, `${new Date(startedAt).toISOString()}\n`);
  return undefined;
}
