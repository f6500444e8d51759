/** One config key of a component: what it means, which values are valid, and its default. */
export interface ParamSpec<K extends string = string> {
  key: K;
  describe: string;
  min: number;
  /** the lower bound itself is invalid (e.g. a std of 0) */
  minOpen?: boolean;
  max?: number;
  /** the upper bound itself is invalid (a correlation of 1, a dropout of 1) */
  maxOpen?: boolean;
  integer?: boolean;
  /** a number, or a rule on the other keys with its text for `list` */
  default: number | { text: string; from: (config: Record<string, number>) => number };
}

/** Bad user input: the message is one line that names the offending field. */
export class InputError extends Error {}

export function describeRange(p: ParamSpec): string {
  const lo = `${p.minOpen ? '(' : '['}${p.min}`;
  const hi = p.max === undefined ? 'inf)' : `${p.max}${p.maxOpen ? ')' : ']'}`;
  return `${p.integer ? 'integer ' : ''}${lo}, ${hi}`;
}

export function describeDefault(p: ParamSpec): string {
  return typeof p.default === 'number' ? String(p.default) : p.default.text;
}

/**
 * Validates a user config against the component's keys and fills in defaults. Unknown keys,
 * non-numbers, NaN and values out of range are rejected with the field named.
 */
export function resolveConfig(
  params: readonly ParamSpec[],
  input: unknown,
  where: string,
): Record<string, number> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InputError(`config: expected a JSON object of ${where} keys`);
  }
  const known = new Set(params.map((p) => p.key));
  for (const key of Object.keys(input)) {
    if (!known.has(key)) {
      throw new InputError(`config.${key}: unknown key for ${where} (known: ${[...known].join(', ')})`);
    }
  }
  const given = input as Record<string, unknown>;
  const config: Record<string, number> = {};
  for (const p of params) {
    if (p.key in given) config[p.key] = validateValue(p, given[p.key]);
  }
  for (const p of params) {
    if (!(p.key in config) && typeof p.default === 'number') config[p.key] = p.default;
  }
  for (const p of params) {
    if (!(p.key in config) && typeof p.default !== 'number')
      config[p.key] = validateValue(p, p.default.from(config));
  }
  // in the component's key order, so printed configs read the same whichever keys were given
  return Object.fromEntries(params.map((p) => [p.key, config[p.key]]));
}

function validateValue(p: ParamSpec, value: unknown): number {
  const field = `config.${p.key}`;
  if (typeof value !== 'number')
    throw new InputError(`${field}: expected a number, got ${JSON.stringify(value) ?? typeof value}`);
  if (Number.isNaN(value)) throw new InputError(`${field}: NaN is not a valid value`);
  if (!Number.isFinite(value)) throw new InputError(`${field}: must be finite`);
  if (p.integer && !Number.isInteger(value))
    throw new InputError(`${field}: must be an integer, got ${value}`);
  const belowMin = p.minOpen ? value <= p.min : value < p.min;
  const aboveMax = p.max !== undefined && (p.maxOpen ? value >= p.max : value > p.max);
  if (belowMin || aboveMax)
    throw new InputError(`${field}: ${value} is outside ${describeRange(p)} (${p.describe})`);
  return value;
}

/** A key's spec with its name kept as a literal type (so components can be checked for every key). */
export const param = <const K extends string>(spec: ParamSpec<K>): ParamSpec<NoInfer<K>> => spec;

// Shared key definitions: one meaning per key across components.
export const MU_X = param({ key: 'muX', describe: 'input mean', min: -1e6, max: 1e6, default: 0 });
export const SIGMA_X = param({
  key: 'sigmaX',
  describe: 'input std',
  min: 0,
  minOpen: true,
  max: 1e6,
  default: 1,
});
export const R_X = param({
  key: 'rX',
  describe: 'input token correlation',
  min: 0,
  max: 1,
  maxOpen: true,
  default: 0.5,
});
export const SIGMA_G = param({
  key: 'sigmaG',
  describe: 'upstream gradient std',
  min: 0,
  minOpen: true,
  max: 1e6,
  default: 1,
});
export const R_G = param({
  key: 'rG',
  describe: 'upstream gradient token correlation',
  min: 0,
  max: 1,
  maxOpen: true,
  default: 0.3,
});
export const SEQ_LEN = param({
  key: 'seqLen',
  describe: 'tokens per sample',
  min: 2,
  max: 100_000,
  integer: true,
  default: 128,
});
export const FEATURES = param({
  key: 'd',
  describe: 'features per token',
  min: 1,
  max: 100_000,
  integer: true,
  default: 64,
});
export const DROPOUT = param({
  key: 'dropout',
  describe: 'dropout probability',
  min: 0,
  max: 1,
  maxOpen: true,
  default: 0.1,
});

/** A weight std whose default keeps the layer's gain: gain/sqrt(fan-in), with the fan-in key named. */
export const weightStd = <K extends string>(
  key: K,
  describe: string,
  gain: number,
  fanIn: string,
): ParamSpec<K> => ({
  key,
  describe,
  min: 0,
  minOpen: true,
  max: 1e6,
  default: { text: `${gain}/sqrt(${fanIn})`, from: (c) => gain / Math.sqrt(c[fanIn]) },
});
