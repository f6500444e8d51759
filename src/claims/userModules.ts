import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerExpectedVerdicts, type ExpectedVerdicts } from './expected.ts';
import { InputError } from './params.ts';
import { registerComponents } from './registry.ts';
import type { Component } from './types.ts';

/**
 * What a claims module (`--claims-module <path>`, or `sigprop.config.{ts,mjs,js}` in the working
 * directory) exports, as named exports or as its default export:
 *   components: Component[]        its components, with their claims, variants and regimes
 *   expected:   ExpectedVerdicts   their expected verdicts, in fixtures/verdicts.json's format
 *   modules:    string[]           (config file only) further claims modules, relative to it
 */
export interface ClaimsModule {
  components?: readonly Component[];
  expected?: ExpectedVerdicts;
  modules?: readonly string[];
}

export const CONFIG_FILES = ['sigprop.config.ts', 'sigprop.config.mjs', 'sigprop.config.js'] as const;

/** file URLs of the modules loaded so far, for worker threads (`claimsModuleSetup`) */
const loaded: string[] = [];

const isComponent = (c: unknown): c is Component =>
  typeof c === 'object' &&
  c !== null &&
  typeof (c as Component).key === 'string' &&
  Array.isArray((c as Component).claims) &&
  Array.isArray((c as Component).regimes) &&
  typeof (c as Component).simulator === 'object';

/**
 * TypeScript modules load through tsx, which sigprop does not depend on: it is taken from the
 * user's project (or sigprop's own development install) and registered only when a .ts module is given.
 */
async function registerTypeScript(path: string, cwd: string): Promise<void> {
  for (const base of [join(cwd, 'package.json'), import.meta.url]) {
    try {
      const api = createRequire(base).resolve('tsx/esm/api');
      const { register } = (await import(pathToFileURL(api).href)) as { register: () => void };
      register();
      return;
    } catch {
      // not installed there; try the next place
    }
  }
  throw new InputError(
    `claims-module ${path}: a TypeScript module needs tsx in your project (npm i -D tsx), or give the compiled .js`,
  );
}

async function importModule(path: string, cwd: string): Promise<{ url: string; exports: ClaimsModule }> {
  const file = resolve(cwd, path);
  if (!existsSync(file)) throw new InputError(`claims-module ${path}: no such file`);
  if (/\.[cm]?ts$/.test(file)) await registerTypeScript(path, cwd);
  const url = pathToFileURL(file).href;
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new InputError(`claims-module ${path}: failed to load (${message})`);
  }
  const exports = (
    typeof namespace.default === 'object' && namespace.default !== null ? namespace.default : namespace
  ) as ClaimsModule;
  return { url, exports };
}

/** Loads and registers one claims module (and, from a config file, the modules it lists). */
export async function loadClaimsModule(path: string, cwd = process.cwd(), isConfig = false): Promise<void> {
  const { url, exports } = await importModule(path, cwd);
  const components = exports.components ?? [];
  const modules = isConfig ? (exports.modules ?? []) : [];
  if (!Array.isArray(components) || !components.every(isComponent)) {
    throw new InputError(
      `claims-module ${path}: 'components' must be an array of components (key, params, simulator, regimes, claims)`,
    );
  }
  for (const component of components) {
    const bad = component.regimes.find(
      (r) => typeof r?.name !== 'string' || typeof r.space !== 'function' || typeof r.toConfig !== 'function',
    );
    if (bad)
      throw new InputError(
        `claims-module ${path}: component '${component.key}' regime '${bad?.name ?? '?'}' must declare name, space(budget) and toConfig(point) (defineRegime; docs/new-formula.md)`,
      );
  }
  if (components.length === 0 && modules.length === 0) {
    throw new InputError(
      `claims-module ${path}: exports no components (export const components = [...], expected = {...})`,
    );
  }
  registerComponents(components, `claims-module ${path}`);
  if (exports.expected) registerExpectedVerdicts(exports.expected);
  loaded.push(url);
  for (const module of modules) await loadClaimsModule(resolve(cwd, path, '..', module), cwd);
}

/** `--claims-module` paths, then sigprop.config.* from the working directory if there is one. */
export async function loadUserClaims(paths: readonly string[], cwd = process.cwd()): Promise<void> {
  const config = CONFIG_FILES.find((name) => existsSync(join(cwd, name)));
  if (config) await loadClaimsModule(config, cwd, true);
  for (const path of paths) await loadClaimsModule(path, cwd);
}

/**
 * The worker threads' `setup`: one module that loads the same claims modules again inside the
 * worker, so its registry and expected verdicts match the caller's. Empty without user modules.
 */
export function claimsModuleSetup(): string[] {
  if (loaded.length === 0) return [];
  const setup = new URL(`./userSetup${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  setup.searchParams.set('modules', JSON.stringify(loaded));
  return [setup.href];
}

/** Inside a worker: registers the modules `claimsModuleSetup` named. */
export async function loadSetupModules(urls: readonly string[]): Promise<void> {
  for (const url of urls) {
    const { exports } = await importModule(new URL(url).pathname, process.cwd());
    registerComponents(exports.components ?? [], url);
    if (exports.expected) registerExpectedVerdicts(exports.expected);
  }
}
