#!/usr/bin/env node
// Builds native/build/sigprop_blas.node: the wasm engine's matMul on the system's OpenBLAS.
// Runs at `npm ci` (postinstall) and never fails the install: without a C compiler, Node's
// headers or OpenBLAS (Debian: libopenblas-dev) sigprop keeps wasm's own matMul and says why.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'native', 'build', 'sigprop_blas.node');

/** Node's own headers: npm's nodedir, beside the binary (official builds), or where distributions put them. */
function nodeHeaders() {
  const nodedir = process.env.npm_config_nodedir;
  const candidates = [...(nodedir ? [join(nodedir, 'include', 'node')] : []), join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node', '/usr/local/include/node'];
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
}

function build() {
  if (process.env.SIGPROP_NATIVE_MATMUL === '0') return 'skipped (SIGPROP_NATIVE_MATMUL=0)';
  const headers = nodeHeaders();
  if (!headers) return "not built: Node's headers (node_api.h) not found";
  mkdirSync(dirname(output), { recursive: true });
  rmSync(output, { force: true });
  const compiler = process.env.CC || 'cc';
  try {
    execFileSync(compiler, ['-O2', '-shared', '-fPIC', `-I${headers}`, join(root, 'native', 'blas.c'), '-lopenblas', '-o', output], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    if (error.code === 'ENOENT') return `not built: no C compiler (${compiler}); install one and OpenBLAS (Debian: apt-get install gcc libopenblas-dev)`;
    const detail = String(error.stderr || error.message).split('\n').find((line) => /error|not found|cannot/i.test(line)) ?? 'compiler failed';
    return `not built (${detail.trim()}); install a C compiler and OpenBLAS (Debian: apt-get install libopenblas-dev)`;
  }
  return `built (${output})`;
}

const result = build();
console.log(`sigprop: native OpenBLAS matMul ${result}${result.startsWith('built') ? '' : '; the wasm engine keeps its own matMul'}`);
