import type { Point } from './design.ts';
import { excess, type Measurement } from './search.ts';

/**
 * Validity maps: a claim's error over the two keys the screen ranks highest, on an n x n grid of
 * the unit square of those two axes (ends included, where faults sit), every other key at the
 * worst config's value; and, where it fits, a boundary in words.
 */
export function mapPoints(worst: Point, x: number, y: number, n: number): Point[][] {
  const at = (i: number) => (n === 1 ? 0.5 : i / (n - 1));
  return Array.from({ length: n }, (_, j) =>
    Array.from({ length: n }, (_, i) => worst.map((v, k) => (k === x ? at(i) : k === y ? at(j) : v))),
  );
}

/**
 * How many standard errors from the precision a cell's |error| (less the claim's tolerance) must
 * lie before refining it could not move it across: 3, not 2, because a coarse cell's standard
 * error comes from 4 replicates (3 degrees of freedom: the t quantile at 97.5% is 3.18).
 */
export const REFINE_Z = 3;

/** Whether a map cell's interval still straddles the precision. */
export const straddles = (m: Measurement, precision: number) =>
  Number.isFinite(m.error) && Math.abs(excess(m) - precision) < REFINE_Z * m.errorStderr;

/** The side of the map's precision contour a cell lies on (report/maps.ts contourSegments, fitBoundary). */
const outside = (m: Measurement, precision: number) => Math.abs(m.error) > precision;

/**
 * The cells of a map worth more replicates, measured `cells[j][i][claim]`: those where, for some
 * claim, the cell's interval straddles the precision and a cell beside it (sharing an edge) lies
 * on the other side of the contour. The contour is drawn between such neighbours, and where it
 * crosses their edge depends on both values, so both sides are refined. A straddling cell whose
 * neighbours are all on its side moves no contour and no boundary unless refining turns it over
 * into an island of one cell; in the reference maps of 2026-12-02 (80 grids, 5120 cells) such
 * cells were half of the refined ones.
 */
export function cellsToRefine(
  cells: readonly (readonly (readonly Measurement[])[])[],
  claims: readonly number[],
  precision: number,
): boolean[][] {
  const side = (j: number, i: number, c: number) => outside(cells[j][i][c], precision);
  const nextToOtherSide = (j: number, i: number, c: number) =>
    [
      [j - 1, i],
      [j + 1, i],
      [j, i - 1],
      [j, i + 1],
    ].some(([jj, ii]) => cells[jj]?.[ii] !== undefined && side(jj, ii, c) !== side(j, i, c));
  return cells.map((row, j) =>
    row.map((cell, i) => claims.some((c) => straddles(cell[c], precision) && nextToOtherSide(j, i, c))),
  );
}

/** How an axis enters a boundary: its value, or its logarithm on a log scale. */
export interface MapAxis {
  key: string;
  log: boolean;
  /** the grid's values along the axis */
  values: readonly number[];
}

export interface Boundary {
  /** the claim holds (|error| within precision) where a*term(x) + b*term(y) is below t ... */
  a: number;
  b: number;
  t: number;
  /** ... or above it */
  below: boolean;
  /** share of the grid's cells the rule classifies correctly */
  accuracy: number;
  words: string;
}

const fmt = (v: number) => String(Number(v.toPrecision(3)));

function describe(
  x: MapAxis,
  y: MapAxis,
  a: number,
  b: number,
  t: number,
  below: boolean,
  precision: number,
): string {
  const op = below ? '<' : '>';
  const within = `holds within ${fmt(100 * precision)}% where`;
  const term = (axis: MapAxis) => (axis.log ? `ln(${axis.key})` : axis.key);
  if (b === 0) return `${within} ${x.key} ${op} ${fmt(x.log ? Math.exp(t / a) : t / a)}`;
  if (a === 0) return `${within} ${y.key} ${op} ${fmt(y.log ? Math.exp(t / b) : t / b)}`;
  // normalised so x's coefficient is 1 (the inequality flips with a negative a)
  const flip = a < 0;
  const c = b / a;
  const bound = t / a;
  const op2 = flip ? (below ? '>' : '<') : op;
  if (x.log && y.log) return `${within} ${x.key} * ${y.key}^${fmt(c)} ${op2} ${fmt(Math.exp(bound))}`;
  return `${within} ${term(x)} ${c >= 0 ? '+' : '-'} ${fmt(Math.abs(c))}*${term(y)} ${op2} ${fmt(bound)}`;
}

/**
 * The simplest boundary that separates the cells where the claim holds within precision from
 * those where it does not: a threshold on one key, else on a combination a*term(x) + b*term(y)
 * (terms are logarithms on log axes, so a combination of two log axes is a power law), directions
 * every 7.5 degrees, the threshold between two cells' values. Kept only where it classifies at
 * least 90% of the cells and both sides are non-empty; a one-key rule is preferred unless the
 * combination is right on at least 5% more cells.
 */
export function fitBoundary(
  x: MapAxis,
  y: MapAxis,
  error: readonly (readonly number[])[],
  precision: number,
): Boundary | undefined {
  const cells: { tx: number; ty: number; holds: boolean }[] = [];
  const term = (axis: MapAxis, v: number) => (axis.log ? Math.log(v) : v);
  // normalise each term to [0, 1] so directions mean the same on every axis
  const span = (axis: MapAxis) => {
    const t = axis.values.map((v) => term(axis, v));
    return { lo: Math.min(...t), width: Math.max(...t) - Math.min(...t) || 1 };
  };
  const sx = span(x);
  const sy = span(y);
  error.forEach((row, j) =>
    row.forEach((e, i) =>
      cells.push({
        tx: (term(x, x.values[i]) - sx.lo) / sx.width,
        ty: (term(y, y.values[j]) - sy.lo) / sy.width,
        holds: Math.abs(e) <= precision,
      }),
    ),
  );
  const holding = cells.filter((c) => c.holds).length;
  if (holding === 0 || holding === cells.length) return undefined;
  let best: (Boundary & { single: boolean }) | undefined;
  for (let step = 0; step < 48; step++) {
    const theta = (step * Math.PI) / 48;
    // exact on the axes: cos(pi/2) is 6e-17, which split equal cells and put one-key thresholds
    // between 0 and 4e-18 ("holds where rX > 4.14e-18" for a cut between rX = 0 and 0.136)
    const u = step === 24 ? 0 : Math.cos(theta);
    const v = step === 0 ? 0 : Math.sin(theta);
    const s = cells.map((c) => u * c.tx + v * c.ty);
    const sorted = [...new Set(s)].sort((p, q) => p - q);
    for (let k = 0; k + 1 < sorted.length; k++) {
      const cut = (sorted[k] + sorted[k + 1]) / 2;
      for (const below of [true, false]) {
        const right =
          cells.filter((c, i) => (below ? s[i] < cut : s[i] > cut) === c.holds).length / cells.length;
        const single = step === 0 || step === 24;
        const better =
          !best ||
          (single && !best.single
            ? right >= best.accuracy - 0.05
            : !single && best.single
              ? right > best.accuracy + 0.05
              : right > best.accuracy);
        if (better) {
          // back to the original terms: u*(tx - lo)/w + v*(ty - lo)/w < cut
          const a = Math.abs(u) < 1e-12 ? 0 : u / sx.width;
          const b = Math.abs(v) < 1e-12 ? 0 : v / sy.width;
          const t = cut + a * sx.lo + b * sy.lo;
          best = { a, b, t, below, accuracy: right, single, words: '' };
        }
      }
    }
  }
  if (!best || best.accuracy < 0.9) return undefined;
  const { single: _single, ...boundary } = best;
  return {
    ...boundary,
    words: describe(x, y, boundary.a, boundary.b, boundary.t, boundary.below, precision),
  };
}
