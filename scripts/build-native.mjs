#!/usr/bin/env node
// Builds native/build/sigprop.node (native/sigprop.c): the wasm engine's matMul on the system's
// OpenBLAS and the random generator's hot loops. Runs at `npm ci` (postinstall) and never fails
// the install: without OpenBLAS (Debian: libopenblas-dev) it builds the random loops alone, and
// without a C compiler or Node's headers nothing, and sigprop runs as before and says why.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'native', 'build', 'sigprop.node');

/** Node's own headers: npm's nodedir, beside the binary (official builds), or where distributions put them. */
function nodeHeaders() {
  const nodedir = process.env.npm_config_nodedir;
  const candidates = [
    ...(nodedir ? [join(nodedir, 'include', 'node')] : []),
    join(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
}

/** Compiles; undefined on success, else the first telling line of the compiler's complaint. */
function compile(compiler, headers, extra) {
  // -ffp-contract=off: no fused multiply-add, so the random loops round exactly as JS does
  const args = [
    '-O2',
    '-ffp-contract=off',
    '-shared',
    '-fPIC',
    `-I${headers}`,
    join(root, 'native', 'sigprop.c'),
    '-o',
    output,
    ...extra,
  ];
  try {
    execFileSync(compiler, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    return undefined;
  } catch (error) {
    if (error.code === 'ENOENT') return `no C compiler (${compiler})`;
    return (
      String(error.stderr || error.message)
        .split('\n')
        .find((line) => /error|not found|cannot/i.test(line)) ?? 'the compiler failed'
    ).trim();
  }
}

function build() {
  if (process.env.SIGPROP_NATIVE === '0') return 'skipped (SIGPROP_NATIVE=0)';
  const headers = nodeHeaders();
  if (!headers) return "not built: Node's headers (node_api.h) not found";
  mkdirSync(dirname(output), { recursive: true });
  rmSync(output, { force: true });
  const compiler = process.env.CC || 'cc';
  const withBlas = compile(compiler, headers, ['-lopenblas']);
  if (withBlas === undefined) return 'built with OpenBLAS';
  const without = compile(compiler, headers, ['-DSIGPROP_NO_BLAS']);
  if (without === undefined)
    return `built without OpenBLAS (${withBlas}; Debian: apt-get install libopenblas-dev): random loops native, matMul stays wasm's`;
  return `not built (${without}); install a C compiler and OpenBLAS (Debian: apt-get install gcc libopenblas-dev)`;
}

console.log(`sigprop: native kernels ${build()}`);
