/**
 * TEMPORARY, until src/claims/space.ts (COORDINATION.md's declarative regimes) lands: the same
 * types and functions, so the search codes against the contract today. Deleted when it lands.
 */
import type { Budget } from '../stats/budget.ts';

export type Scale = 'linear' | 'log' | 'integer' | 'logInteger';
export interface Axis {
  min: number;
  max: number;
  scale: Scale;
}
export type Space = Readonly<Record<string, Axis>>;
export const range = (min: number, max: number): Axis => ({ min, max, scale: 'linear' });
export const logRange = (min: number, max: number): Axis => ({ min, max, scale: 'log' });
export const intRange = (min: number, max: number): Axis => ({ min, max, scale: 'integer' });
export const logInt = (min: number, max: number): Axis => ({ min, max, scale: 'logInteger' });
export const fixed = (value: number): Axis => ({ min: value, max: value, scale: 'linear' });

export function roundDraw(axis: Axis, value: number): number {
  if (axis.scale === 'integer' || axis.scale === 'logInteger') return Math.round(value);
  return Math.min(axis.max, Math.max(axis.min, Number(value.toPrecision(3))));
}

export function fromUnit(axis: Axis, u: number): number {
  const t = Math.min(1, Math.max(0, u));
  const log = axis.scale === 'log' || axis.scale === 'logInteger';
  const value = log
    ? Math.exp(Math.log(axis.min) + t * (Math.log(axis.max) - Math.log(axis.min)))
    : axis.min + t * (axis.max - axis.min);
  return roundDraw(axis, value);
}

export interface Regime<C> {
  name: string;
  describe: string;
  space(budget: Budget): Space;
  toConfig(point: Readonly<Record<string, number>>): C;
}

export function toUnit(axis: Axis, value: number): number {
  if (axis.max === axis.min) return 0.5;
  const log = axis.scale === 'log' || axis.scale === 'logInteger';
  const t = log
    ? (Math.log(value) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min))
    : (value - axis.min) / (axis.max - axis.min);
  return Math.min(1, Math.max(0, t));
}
