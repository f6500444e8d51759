import type { ComponentMoments } from './moments.ts';
import type { ActivationConfig } from './relu.ts';

const { PI, sqrt, acos, asin } = Math;

/** FORMULAS.md 3.4, `y = x*Phi(x)` (erf form), with s2 = s2x and a = s2/(1+s2). */
export function geluMoments(c: ActivationConfig): ComponentMoments {
  const s2 = c.sigmaX ** 2;
  const s2g = c.sigmaG ** 2;
  const r = c.rX;
  const a = s2 / (1 + s2);
  const mean = (c.sigmaX / sqrt(2 * PI)) * sqrt(a);
  const variance = (s2 / (2 * PI)) * (PI - a - acos(a) + 2 * a * sqrt((1 - a) / (1 + a)));
  const tokenCovariance =
    (s2 / 4) *
      (r +
        (2 / PI) * r * asin(r * a) +
        ((2 / PI) * s2 * (s2 * (1 - r * r) + 1 + r * r)) / ((1 + s2) * sqrt((1 + s2) ** 2 - (r * s2) ** 2))) -
    mean ** 2;
  const gradVariance = s2g * (1 / 2 + (-acos(a) + (a * (5 * s2 + 3)) / (1 + 2 * s2) ** 1.5) / (2 * PI));
  const ra = r * a;
  const gradTokenCovariance =
    c.rG *
    s2g *
    (1 / 2 +
      (-acos(ra) +
        (ra * ((s2 + 1) * (2 * s2 + 3) - 2 * (r * s2) ** 2)) / ((s2 + 1) ** 2 - (r * s2) ** 2) ** 1.5) /
        (2 * PI));
  return { mean, variance, tokenCovariance, gradVariance, gradTokenCovariance };
}
