/**
 * Declarative regimes (issue 12.0): a regime names its draw-parameters, each with a range and a
 * scale, and maps a point of that space to a config. From this one declaration come the fast-check
 * arbitrary `verify` and the properties draw from, the coverage checks, and the search space the
 * hunt explores in unit coordinates (every axis mapped to [0, 1] on its own scale).
 */
import fc from 'fast-check';
import type { Budget } from '../stats/budget.ts';
import { logInteger, logUniform, uniform } from './draw.ts';

export type Scale = 'linear' | 'log' | 'integer' | 'logInteger';
export interface Axis {
  min: number;
  max: number;
  scale: Scale;
}
/** A regime's draw-parameters by name. */
export type Space<P extends string = string> = Readonly<Record<P, Axis>>;
/** One value per draw-parameter. */
export type Point<P extends string = string> = Readonly<Record<P, number>>;

export const range = (min: number, max: number): Axis => ({ min, max, scale: 'linear' });
export const logRange = (min: number, max: number): Axis => ({ min, max, scale: 'log' });
export const intRange = (min: number, max: number): Axis => ({ min, max, scale: 'integer' });
export const logInt = (min: number, max: number): Axis => ({ min, max, scale: 'logInteger' });
export const fixed = (value: number): Axis => ({ min: value, max: value, scale: 'linear' });

/** Correlations as the reference grids use them: 0 up to 0.95. */
export const correlation = range(0, 0.95);
/** Stds as the reference grids use them: 0.3 to 3.2, log-uniform. */
export const std = logRange(0.3, 3.2);
/** Input and upstream-gradient statistics as the reference grids draw them (section 1's x and g). */
export const inputAndGradient = { sigmaX: std, rX: correlation, sigmaG: std, rG: correlation } as const;

/**
 * A named part of a component's domain (verdicts are expected per regime). `C` is the component's
 * config type and `P` the names of the draw-parameters, so a map that reads a parameter the space
 * does not declare, or builds a config with a key the component does not have, fails to compile.
 */
export interface Regime<C = Record<string, number>, P extends string = string> {
  name: string;
  describe: string;
  /** the draw-parameters, with sizes capped by the budget */
  space(budget: Budget): Space<P>;
  /** the config at a point (the budget for maps whose bounds depend on other parameters) */
  toConfig(point: Point<P>, budget: Budget): C;
}

/** Declares a regime with its parameter names inferred from the space. */
export const defineRegime = <C, P extends string>(regime: Regime<C, P>): Regime<C, P> => regime;

const isLog = (axis: Axis) => axis.scale === 'log' || axis.scale === 'logInteger';
const isInteger = (axis: Axis) => axis.scale === 'integer' || axis.scale === 'logInteger';

/** The draws of one axis: uniform on its own scale (claims/draw.ts explains the integer grid). */
export function axisArbitrary(axis: Axis): fc.Arbitrary<number> {
  if (axis.min === axis.max) return fc.constant(axis.min);
  switch (axis.scale) {
    case 'linear':
      return uniform(axis.min, axis.max);
    case 'log':
      return logUniform(axis.min, axis.max);
    case 'integer':
      return fc.integer({ min: axis.min, max: axis.max });
    case 'logInteger':
      return logInteger(axis.min, axis.max);
  }
}

/** Points of a space, every axis drawn independently. */
export const pointArbitrary = <P extends string>(space: Space<P>): fc.Arbitrary<Point<P>> =>
  fc.record(
    Object.fromEntries(Object.entries<Axis>(space).map(([k, axis]) => [k, axisArbitrary(axis)])) as {
      [K in P]: fc.Arbitrary<number>;
    },
  );

/** The configs of a regime, as `verify` and the properties draw them. */
export const arbitraryOf = <C, P extends string>(regime: Regime<C, P>, budget: Budget): fc.Arbitrary<C> =>
  pointArbitrary(regime.space(budget)).map((p) => regime.toConfig(p, budget));

/** A searched value as a config holds it: integers rounded, reals to three significant digits. */
export function roundDraw(axis: Axis, value: number): number {
  if (isInteger(axis)) return Math.round(value);
  return Math.min(axis.max, Math.max(axis.min, Number(value.toPrecision(3))));
}

/** The axis value at unit coordinate u (0 the low end, 1 the high end, on the axis's scale). */
export function fromUnit(axis: Axis, u: number): number {
  const t = Math.min(1, Math.max(0, u));
  const value = isLog(axis)
    ? Math.exp(Math.log(axis.min) + t * (Math.log(axis.max) - Math.log(axis.min)))
    : axis.min + t * (axis.max - axis.min);
  return roundDraw(axis, value);
}

/** The unit coordinate of an axis value (inverse of fromUnit up to rounding). */
export function toUnit(axis: Axis, value: number): number {
  if (axis.max === axis.min) return 0.5;
  const t = isLog(axis)
    ? (Math.log(value) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min))
    : (value - axis.min) / (axis.max - axis.min);
  return Math.min(1, Math.max(0, t));
}
