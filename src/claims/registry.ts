import { dropout } from './components/dropout.ts';
import { gelu } from './components/gelu.ts';
import { relu } from './components/relu.ts';
import { layernorm } from './components/layernorm.ts';
import { linear } from './components/linear.ts';
import { attentionBlock, attentionBlockCausal } from './components/attentionBlock.ts';
import { crossAttention } from './components/crossAttention.ts';
import { embedding } from './components/embedding.ts';
import { ffnBlock } from './components/ffnBlock.ts';
import { residual } from './components/residual.ts';
import { sha, shaCausal } from './components/sha.ts';
import { softmax } from './components/softmax.ts';
import { MODEL_CLAIMS } from './models/claims.ts';
import { MODEL_SUITES, type ModelSuite } from './models/suites.ts';
import { InputError } from './params.ts';
import type { Claim, Component } from './types.ts';

const components: Component[] = [
  linear,
  dropout,
  relu,
  gelu,
  layernorm,
  softmax,
  sha,
  ffnBlock,
  attentionBlock,
  residual,
  embedding,
  shaCausal,
  attentionBlockCausal,
  crossAttention,
];

/** Built-in components, then those user modules registered (claims/userModules.ts). */
export const COMPONENTS: readonly Component[] = components;

/** What the registry holds: a component, or a whole-model family (same key, regimes and claims). */
export type RegistryEntry = Component | ModelSuite;

export const isModelEntry = (entry: RegistryEntry): entry is ModelSuite => entry.kind === 'model';

/**
 * The one registry every orchestrator walks: the components (built-in, then user modules'), then
 * the whole-model families.
 */
const entries: RegistryEntry[] = [...components, ...MODEL_SUITES];
export const REGISTRY: readonly RegistryEntry[] = entries;

/** Component claims (`check`-able one config at a time) and whole-model claims (src/claims/models). */
const allClaims: Claim[] = [...COMPONENTS.flatMap((c) => c.claims), ...MODEL_CLAIMS];
export const ALL_CLAIMS: readonly Claim[] = allClaims;

/**
 * Adds user components (`--claims-module`, sigprop.config.*) to the registry, before a command
 * runs. A key or claim id that is already registered is an input error naming `where`.
 */
export function registerComponents(added: readonly Component[], where: string): void {
  for (const component of added) {
    if (components.some((c) => c.key === component.key))
      throw new InputError(
        `${where}: component '${component.key}' is already defined (built-in or another module)`,
      );
    const clash = component.claims.find((k) => allClaims.some((c) => c.id === k.id));
    if (clash)
      throw new InputError(`${where}: claim '${clash.id}' is already defined (built-in or another module)`);
    // user components go after the others and before the model families
    entries.splice(components.length, 0, component);
    components.push(component);
    allClaims.push(...component.claims);
  }
}

/** The registry entry a claim belongs to (its component or model family). */
export function entryOf(claim: Claim): RegistryEntry {
  const entry = REGISTRY.find((e) => e.key === claim.component);
  if (!entry) throw new InputError(`claim: '${claim.id}' belongs to no registered component`);
  return entry;
}

export function componentOf(claim: Claim): Component {
  const component = entryOf(claim);
  // model claims compare a whole depth profile at once: they run under `verify` and `depth`
  if (isModelEntry(component))
    throw new InputError(
      `claim: '${claim.id}' is a whole-model claim; run it with 'sigprop depth' or 'sigprop verify --claims ${claim.id}'`,
    );
  return component;
}

export function findClaim(id: string): Claim {
  const claim = ALL_CLAIMS.find((c) => c.id === id);
  if (!claim) throw new InputError(`claim: unknown claim '${id}' (see 'sigprop list')`);
  return claim;
}

/**
 * Claims matching a comma-separated list of globs (`*` matches any run of characters), e.g.
 * `relu.*,layernorm.backward.*`. A pattern that matches nothing is an input error.
 */
export function selectClaims(pattern = '*'): Claim[] {
  const parts = pattern
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new InputError(`claims: empty pattern`);
  const selected = new Set<Claim>();
  for (const part of parts) {
    const re = new RegExp(`^${part.split('*').map(escapeRegExp).join('.*')}$`);
    const matched = ALL_CLAIMS.filter((c) => re.test(c.id));
    if (matched.length === 0)
      throw new InputError(`claims: pattern '${part}' matches no claim (see 'sigprop list')`);
    matched.forEach((c) => selected.add(c));
  }
  return ALL_CLAIMS.filter((c) => selected.has(c));
}

const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
