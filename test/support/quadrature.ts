import erf from '@stdlib/math-base-special-erf';

// Gauss-Kronrod 7/15 nodes and weights on [-1, 1].
const XGK = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
  0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
  0.58608723546769113029414483825873, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0,
];
const WGK = [
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204,
  0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
  0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const WG = [
  0.129484966168869693270611432679082, 0.27970539148927666790146777142378,
  0.381830050505118944950369775488975, 0.417959183673469387755102040816327,
];

function gk15(f: (x: number) => number, a: number, b: number): [number, number] {
  const c = (a + b) / 2;
  const h = (b - a) / 2;
  const fc = f(c);
  let kronrod = WGK[7] * fc;
  let gauss = WG[3] * fc;
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j];
    const sum = f(c - dx) + f(c + dx);
    kronrod += WGK[j] * sum;
    if (j % 2 === 1) gauss += WG[(j - 1) / 2] * sum;
  }
  return [kronrod * h, Math.abs((kronrod - gauss) * h)];
}

/** Adaptive Gauss-Kronrod integral of f over [a, b] to absolute tolerance `tol`. */
export function integrate(f: (x: number) => number, a: number, b: number, tol = 1e-13, depth = 0): number {
  const [value, error] = gk15(f, a, b);
  if (error <= tol || depth > 40) return value;
  const m = (a + b) / 2;
  return integrate(f, a, m, tol / 2, depth + 1) + integrate(f, m, b, tol / 2, depth + 1);
}

export const normalPdf = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
export const normalCdf = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));

/** Integration range for a standard normal variable; the tails beyond are below 1e-30. */
const SPAN = 12;

/** E[f(Z)], Z ~ N(0,1), split at 0 where activations have their kink. */
export function gaussianExpectation(f: (z: number) => number, tol = 1e-14): number {
  const g = (z: number) => f(z) * normalPdf(z);
  return integrate(g, -SPAN, 0, tol) + integrate(g, 0, SPAN, tol);
}

/** E[f(Z1) h(Z2)] for standard normals with correlation r, r in [0, 1). */
export function correlatedGaussianExpectation(
  f: (z: number) => number,
  h: (z: number) => number,
  r: number,
  tol = 1e-12,
): number {
  const s = Math.sqrt(1 - r * r);
  return gaussianExpectation((z1) => {
    const fz = f(z1);
    if (fz === 0) return 0;
    // integrate over z2 directly (kink of h at z2 = 0), weight = density of z2 given z1
    const cond = (z2: number) => (h(z2) * normalPdf((z2 - r * z1) / s)) / s;
    const lo = r * z1 - SPAN * s;
    const hi = r * z1 + SPAN * s;
    const inner =
      lo < 0 && hi > 0
        ? integrate(cond, lo, 0, tol) + integrate(cond, 0, hi, tol)
        : integrate(cond, lo, hi, tol);
    return fz * inner;
  }, tol);
}
