/** Numbers for people: 4 significant digits, exponent only when needed. */
export function num(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e5 ? String(Number(value.toPrecision(digits))) : value.toExponential(digits - 1);
}

export const percent = (value: number) => `${num(value * 100, 3)}%`;
