import { gramCorrection, rowSquareSum } from './causalAttention.ts';

/**
 * Cross-attention (docs/theory-extensions.md section 3): queries from a decoder stream x_d
 * (L_d = seqLen tokens, std sigmaX, token correlation rX), keys and values from an encoder stream
 * x_e (L_e = encoderLen tokens, sigmaE, rE), no mask, one head of width d_k = d_v = dOut, attention
 * dropout p on the probabilities. Both streams are zero-mean and independent of each other.
 */
export interface CrossAttentionConfig {
  sigmaX: number;
  rX: number;
  sigmaE: number;
  rE: number;
  sigmaG: number;
  rG: number;
  sigmaQ: number;
  sigmaK: number;
  sigmaV: number;
  dIn: number;
  dOut: number;
  attentionDropout: number;
  seqLen: number;
  encoderLen: number;
}

/** Cross-attention's moments: the output and decoder-side gradient per decoder token, and the encoder-side gradient. */
export interface CrossAttentionMoments {
  mean: number;
  variance: number;
  tokenCovariance: number;
  /** gradient at the decoder stream (through the queries only) */
  gradVariance: number;
  gradTokenCovariance: number;
  /** gradient at the encoder stream (through the keys and the values) */
  encoderGradVariance: number;
  encoderGradTokenCovariance: number;
}

const { exp } = Math;

/** Doc 3: s2s = d_in^2*s2d*s2e*sq^2*sk^2, the variance of one score Q_i.K_j/sqrt(d_k). */
export function crossScoreVariance(
  c: Pick<CrossAttentionConfig, 'dIn' | 'sigmaX' | 'sigmaE' | 'sigmaQ' | 'sigmaK'>,
): number {
  return c.dIn ** 2 * c.sigmaX ** 2 * c.sigmaE ** 2 * c.sigmaQ ** 2 * c.sigmaK ** 2;
}

/**
 * Doc 3.1-3.3, with n = L_e, pi = 1 - 1/n, t2 = (1-r_e)*s2s, c_e = d_in*sv^2*s2e,
 * g = d_v*sv^2*s2g, q = 1/(1-p) - r_e and the key-path factor K = L_d*(q + (L_d-1)*r_d*r_g*(1-r_e)):
 *   Var O   = c_e*( r_e*(1 - S2) + S2/(1-p) + T ),   S2 = exp(t2*pi)/n        (T: gramCorrection)
 *   Cov O   = c_e*( r_e + (1-r_e)/n + s2s*r_d*(1-r_e)^2*pi/n )
 *   Var dXd = g*s2s*(s2e/s2d)*(1-r_e)*( (1-r_e)*(1 + n/d_in) + (p/(1-p))*(1 + 2*(1-r_e)*pi/d_in) )*pi/n
 *   Cov dXd = g*s2s*(s2e/s2d)*r_g*(1-r_e)^2*(1 + n/d_in)*pi/n
 *   Var dXe = g*( L_d*exp(t2*pi)/(n^2*(1-p)) + r_g*L_d*(L_d-1)*(1 + s2s*r_d*(1-r_e)*pi)/n^2 )   values
 *           + g*s2s*pi*K/n^2                                                                   keys
 *           + 2*g*(s2s/d_in)*(1-r_e)*L_d*pi*(1 + pi*p/(1-p) + (L_d-1)*r_g*r_d)/n^2             values x keys
 *   Cov dXe = g*(L_d/n^2)*( 1 - t2/n + r_g*(L_d-1)*(1 - s2s*r_d*(1-r_e)/n) )
 *           - g*s2s*K/n^3 - 2*g*(s2s/d_in)*(1-r_e)*L_d*(1 + pi*p/(1-p) + (L_d-1)*r_g*r_d)/n^3
 * At s2s = 0 the output is FORMULAS.md 9's average of encoder values and the decoder gradient vanishes.
 */
export function crossAttentionMoments(c: CrossAttentionConfig): CrossAttentionMoments {
  const n = c.encoderLen;
  const Ld = c.seqLen;
  const pi = 1 - 1 / n;
  const re = c.rE;
  const rd = c.rX;
  const rg = c.rG;
  const p = c.attentionDropout;
  const keep = 1 - p;
  const s2s = crossScoreVariance(c);
  const t2 = (1 - re) * s2s;
  const s2e = c.sigmaE ** 2;
  const s2d = c.sigmaX ** 2;
  const gainE = c.dIn * c.sigmaV ** 2 * s2e;
  const g = c.dOut * c.sigmaV ** 2 * c.sigmaG ** 2;
  const s2 = rowSquareSum(n, t2);
  const q = 1 / keep - re;
  const keyFactor = Ld * (q + (Ld - 1) * rd * rg * (1 - re));
  const crossFactor = ((2 * s2s) / c.dIn) * (1 - re) * Ld * (1 + (pi * p) / keep + (Ld - 1) * rg * rd);
  // doc 3.2: the values' and the keys' centred covariances share the encoder Gram matrix, whose
  // fluctuations add coherently over the n keys: E tr(PGPG) carries (1 + n/d_in), the dropout
  // diagonal (1 + 2(1-r_e)pi/d_in)
  const queryGain = g * s2s * (s2e / s2d) * (pi / n);
  const gram = 1 + n / c.dIn;
  return {
    mean: 0,
    variance: gainE * (re * (1 - s2) + s2 / keep + gramCorrection(n, re, s2s, c.dIn, keep, false)),
    tokenCovariance: gainE * (re + (1 - re) / n + (s2s * rd * (1 - re) ** 2 * pi) / n),
    gradVariance: queryGain * (1 - re) * ((1 - re) * gram + (p / keep) * (1 + (2 * (1 - re) * pi) / c.dIn)),
    gradTokenCovariance: queryGain * rg * (1 - re) ** 2 * gram,
    encoderGradVariance:
      g *
        ((Ld * exp(t2 * pi)) / (n * n * keep) +
          (rg * Ld * (Ld - 1) * (1 + s2s * rd * (1 - re) * pi)) / (n * n)) +
      (g * s2s * pi * keyFactor) / (n * n) +
      (g * pi * crossFactor) / (n * n),
    encoderGradTokenCovariance:
      ((g * Ld) / (n * n)) * (1 - t2 / n + rg * (Ld - 1) * (1 - (s2s * rd * (1 - re)) / n)) -
      (g * s2s * keyFactor) / n ** 3 -
      (g * crossFactor) / n ** 3,
  };
}
