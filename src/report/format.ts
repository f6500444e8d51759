/** Numbers for people: 4 significant digits, exponent only when needed. */
export function num(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e5
    ? String(Number(value.toPrecision(digits)))
    : value.toExponential(digits - 1);
}

export const percent = (value: number) => `${num(value * 100, 3)}%`;

/** A signed error in units of scale as a percentage: +7.39% (measured above the prediction), -2.1%. */
export const signedPercent = (value: number) =>
  (value > 0 ? '+' : value < 0 ? '\u2212' : '') + percent(Math.abs(value));

/**
 * The shortest text that parses back to exactly this number: JavaScript's shortest round-trip
 * digits, in plain or exponent form, whichever is shorter (1.805e-5, not 0.00001805).
 */
export function exact(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const plain = String(value);
  const exponent = value.toExponential().replace('e+', 'e');
  return exponent.length < plain.length ? exponent : plain;
}

/** A config as the JSON `--config` takes, each number in its shortest exact form. */
export const configJson = (config: Readonly<Record<string, unknown>>) =>
  `{${Object.entries(config)
    .map(([k, v]) => `${JSON.stringify(k)}:${typeof v === 'number' ? exact(v) : JSON.stringify(v)}`)
    .join(',')}}`;
