import { accessSync, constants, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../claims/params.ts';

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/** The nearest ancestor of `path` that exists, and the missing directories below it (outermost first). */
function existingAncestor(path: string): { base: string; missing: string[] } {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      statSync(current);
      return { base: current, missing };
    } catch (error) {
      // ENOTDIR: a file stands where a directory should; the walk up finds and names it
      if (errno(error) !== 'ENOENT' && errno(error) !== 'ENOTDIR') return { base: current, missing };
      const parent = dirname(current);
      if (parent === current) return { base: current, missing };
      missing.unshift(current);
      current = parent;
    }
  }
}

/**
 * Checks up front that an output directory can be written, before any simulation: it exists as a
 * directory or can be created, and a file can be created in it. Creates nothing (a directory made
 * to probe it is removed again): the command writes there only when its work is done. Directories
 * are probed one level at a time: `mkdir -p` of a path under /proc spins in Node (it retries
 * ENOENT forever), so a recursive mkdir is never the probe.
 */
export function checkOutputDir(field: string, dir: string): string {
  const target = resolve(dir);
  const { base, missing } = existingAncestor(target);
  let stats;
  try {
    stats = statSync(base);
  } catch (error) {
    throw new InputError(`${field}: cannot use '${dir}' (${errno(error)} at ${base})`);
  }
  if (!stats.isDirectory()) {
    throw new InputError(
      `${field}: '${dir}' is not a directory (${base} is ${stats.isFile() ? 'a file' : 'not a directory'})`,
    );
  }
  // access() answers for permission bits only (root passes everywhere): creating is the real test
  const created: string[] = [];
  try {
    if (missing.length === 0) accessSync(base, constants.W_OK | constants.X_OK);
    for (const path of missing) {
      mkdirSync(path);
      created.push(path);
    }
    if (missing.length === 0) probeWrite(base);
  } catch (error) {
    throw new InputError(`${field}: cannot write to '${dir}' (${errno(error)})`);
  } finally {
    for (const path of created.reverse()) rmdirSync(path);
  }
  return target;
}

/** Creates and removes an empty directory in `dir`: fails as a file write would where `dir` is read-only. */
function probeWrite(dir: string): void {
  const probe = resolve(dir, `.sigprop-probe-${process.pid}`);
  mkdirSync(probe);
  rmdirSync(probe);
}

/** An output file: its directory must be writable and the path, if it exists, a writable plain file. */
export function checkOutputFile(field: string, file: string): string {
  const target = resolve(file);
  try {
    const stats = statSync(target);
    if (!stats.isFile()) throw new InputError(`${field}: '${file}' exists and is not a plain file`);
    accessSync(target, constants.W_OK);
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (errno(error) !== 'ENOENT')
      throw new InputError(`${field}: cannot write to '${file}' (${errno(error)})`);
  }
  checkOutputDir(field, dirname(target));
  return target;
}

/** Creates an output directory that checkOutputDir accepted, one level at a time (see there). */
export function makeOutputDir(dir: string): string {
  const target = resolve(dir);
  for (const path of existingAncestor(target).missing) mkdirSync(path);
  return target;
}
