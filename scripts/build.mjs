// Compiles src/ to dist/ (`npm run build`, run by `prepare` at `npm ci` and `npm pack`), and in a
// source checkout rebuilds dist/ when a file under src/ is newer than the last build, so
// `node bin/sigprop.js` and the tests never run stale compiled code. Not part of the package (an
// installed sigprop has no src/ and is never rebuilt).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const stampOf = (root) => join(root, 'dist', '.built');

function newestSource(src) {
  let newest = 0;
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/** Runs tsc; returns its exit status and output. Type errors still emit JavaScript. */
export function build(root) {
  const startedAt = new Date();
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    encoding: 'utf8',
  });
  if (existsSync(join(root, 'dist', 'cli', 'main.js')))
    writeFileSync(stampOf(root), `${startedAt.toISOString()}\n`);
  return { status: run.status ?? 1, output: `${run.stdout}${run.stderr}` };
}

/** Returns undefined when dist/ is current (or was rebuilt), else why it could not be built. */
export function buildIfStale(root, log = (text) => process.stderr.write(`${text}\n`)) {
  const stamp = stampOf(root);
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : -1;
  if (built >= newestSource(join(root, 'src'))) return undefined;
  log(
    `sigprop: ${built < 0 ? 'dist/ not built yet' : 'sources changed since the last build'}; building dist/ (npm run build)`,
  );
  const { output } = build(root);
  // a type error is `npm run typecheck`'s to report; only a build without output stops the run
  return existsSync(join(root, 'dist', 'cli', 'main.js'))
    ? undefined
    : `tsc produced no dist/cli/main.js\n${output}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { status, output } = build(join(fileURLToPath(import.meta.url), '..', '..'));
  process.stdout.write(output);
  process.exitCode = status;
}
