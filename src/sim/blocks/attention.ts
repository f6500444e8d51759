import { tf } from '../../backend/tf.ts';
import { batchedProductsFast } from '../../backend/nativeMatMul.ts';
import type { RandomStream } from '../random.ts';
import { sampleDropoutMask } from '../sampler.ts';
import { drawOptionalWeights, drawWeights, timesTransposed, type Weights } from './weights.ts';

/**
 * Weights of multi-head attention. The h heads' W_q (d_in x d_k each) are stored side by side as
 * one d_in x (h*d_k) matrix, so one 2-D product projects every head; head j owns columns
 * [j*d_k, (j+1)*d_k). Likewise W_k and W_v. `output` is W_o ((h*d_k) x d_out), absent for SHA.
 */
export interface AttentionWeights {
  heads: number;
  query: Weights;
  key: Weights;
  value: Weights;
  output?: Weights;
}

export interface AttentionShape {
  /** input width d_in */
  dIn: number;
  /** per-head width d_k = d_v */
  dHead: number;
  heads: number;
  /** output width of W_o; default d_in (the model width). Ignored without sigmaO. */
  dOut?: number;
  sigmaQ: number;
  sigmaK: number;
  sigmaV: number;
  /** std of W_o; leave out for attention without output projection (SHA) */
  sigmaO?: number;
}

/** One replicate's attention weights, shared by its whole batch. Draw order: Q, K, V, O. */
export function drawAttentionWeights(s: AttentionShape, random: RandomStream): AttentionWeights {
  const width = s.heads * s.dHead;
  return {
    heads: s.heads,
    query: drawWeights(s.dIn, width, s.sigmaQ, random),
    key: drawWeights(s.dIn, width, s.sigmaK, random),
    value: drawWeights(s.dIn, width, s.sigmaV, random),
    output: drawOptionalWeights(width, s.dOut ?? s.dIn, s.sigmaO, random),
  };
}

/**
 * Inverted-dropout masks on the attention probabilities (0 or 1/(1-p)), kept in JS in [batch,
 * heads, L, L] order: each group of samples needs its masks laid out block-diagonally, and
 * copying rows in JS is far cheaper than slicing and tiling them on the engine (which tripled
 * the cost of a replicate with dropout).
 */
export interface AttentionMask {
  values: Float32Array;
  heads: number;
  seqLen: number;
}

/** The masks of `batch` samples, or undefined when p = 0 so the no-dropout path does no extra work. */
export function drawAttentionMask(
  batch: number,
  heads: number,
  seqLen: number,
  dropout: number,
  random: RandomStream,
): AttentionMask | undefined {
  if (dropout === 0) return undefined;
  return { values: sampleDropoutMask(batch * heads * seqLen * seqLen, dropout, random), heads, seqLen };
}

/** The masks of samples [first, first+size), sharing the values. */
export function sliceMask(
  mask: AttentionMask | undefined,
  first: number,
  size: number,
): AttentionMask | undefined {
  if (!mask) return undefined;
  const perSample = mask.heads * mask.seqLen * mask.seqLen;
  return { ...mask, values: mask.values.subarray(first * perSample, (first + size) * perSample) };
}

/**
 * Samples are attended in groups of G whose G*L tokens form one block-diagonal attention matrix:
 * cross-sample scores get -1e9, so their probabilities are exactly 0 in float32 and neither pass
 * mixes samples. Short sequences then cost a few large 2-D products instead of B*h tiny ones,
 * whose per-op overhead dominates on wasm; from L = GROUP_TOKENS on every group is one sample.
 */
export const GROUP_TOKENS = 128;

interface Group {
  /** first sample and number of samples */
  first: number;
  size: number;
}

function groupsOf(batch: number, seqLen: number, groupTokens: number): Group[] {
  const per = Math.max(1, Math.floor(groupTokens / seqLen));
  const groups: Group[] = [];
  for (let first = 0; first < batch; first += per) groups.push({ first, size: Math.min(per, batch - first) });
  return groups;
}

/**
 * Score bias of a group: 0 where token t of sample b may attend (its own sample's tokens; with
 * `causal` only those up to t), -1e9 elsewhere, so those probabilities are exactly 0 in float32
 * and the softmax backward, A*(dA - rowsum(A*dA)), is 0 there too. Undefined when nothing is masked.
 */
function scoreBias(size: number, seqLen: number, causal: boolean): tf.Tensor2D | undefined {
  if (size === 1 && !causal) return undefined;
  const n = size * seqLen;
  const bias = new Float32Array(n * n).fill(-1e9);
  for (let b = 0; b < size; b++) {
    for (let t = 0; t < seqLen; t++) {
      const row = (b * seqLen + t) * n + b * seqLen;
      bias.fill(0, row, row + (causal ? t + 1 : seqLen));
    }
  }
  return tf.tensor2d(bias, [n, n]);
}

/** The group's rows and head j's columns of a [B*L, h*dk] matrix. */
const block = (m: tf.Tensor2D, g: Group, j: number, L: number, dk: number) =>
  tf.slice(m, [g.first * L, j * dk], [g.size * L, dk]) as tf.Tensor2D;

/** Inverse of `block`: per-group rows of per-head column blocks back into one [B*L, h*dk] matrix. */
const assemble = (blocks: tf.Tensor2D[][]) =>
  tf.concat(
    blocks.map((heads) => tf.concat(heads, 1)),
    0,
  ) as tf.Tensor2D;

/**
 * The group's dropout masks of head j laid out like its attention matrix: entry (bL+t, b'L+s) is
 * mask[b, j, t, s] on the diagonal blocks and 0 elsewhere (where the probabilities are 0 anyway).
 */
function maskOf(mask: AttentionMask | undefined, g: Group, j: number): tf.Tensor2D | undefined {
  if (!mask) return undefined;
  const { heads, seqLen: L } = mask;
  const n = g.size * L;
  const block = new Float32Array(n * n);
  for (let b = 0; b < g.size; b++) {
    const source = ((g.first + b) * heads + j) * L * L;
    for (let t = 0; t < L; t++)
      block.set(mask.values.subarray(source + t * L, source + (t + 1) * L), (b * L + t) * n + b * L);
  }
  return tf.tensor2d(block, [n, n]);
}

/**
 * Multi-head scaled dot-product attention on x [B, L, d_in]:
 *   head j:  A = softmax(Q_j K_j^T / sqrt(d_k)) row-wise,  O_j = (A * mask) V_j
 *   output:  concat_j(O_j) W_o, or concat_j(O_j) without W_o ([B, L, h*d_k]).
 * The mask (drawAttentionMask) is attention dropout on the probabilities. SHA is heads = 1
 * without W_o.
 *
 * Wrapped in tf.customGrad: the gradient with respect to x is complete, including the query/key
 * path through the softmax; weights and mask are constants. Two layouts compute the same thing
 * (test/attention-gradients.test.ts holds them to each other and to finite differences):
 * `batched` multiplies [B, h, L, d_k] tensors with transpose flags, one product per step for the
 * whole batch; `grouped` uses only 2-D products without transpose flags, the one fast path of
 * wasm's own matMul (batched and transposed products fall to a scalar loop there). The default is
 * `grouped` on plain wasm and `batched` everywhere else, including wasm with the native OpenBLAS
 * matMul, where `grouped`'s slices and transposes cost a third of a replicate.
 */
export type AttentionLayout = { kind: 'batched' } | { kind: 'grouped'; groupTokens: number };

export function defaultAttentionLayout(): AttentionLayout {
  return batchedProductsFast() ? { kind: 'batched' } : { kind: 'grouped', groupTokens: GROUP_TOKENS };
}

/**
 * `causal`: row t attends to tokens 0..t only (a decoder's mask), applied to the scores before the
 * softmax in both layouts; the backward needs nothing more, since masked probabilities are 0.
 */
export function multiHeadAttention(
  weights: AttentionWeights,
  mask?: AttentionMask,
  layout: AttentionLayout = defaultAttentionLayout(),
  causal = false,
): (x: tf.Tensor3D) => tf.Tensor3D {
  const forward =
    layout.kind === 'batched'
      ? batchedAttention(weights, mask, causal)
      : groupedAttention(weights, mask, layout.groupTokens, causal);
  // tfjs types the custom function's inputs loosely (tensors or a save function)
  return tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]) as (
    x: tf.Tensor3D,
  ) => tf.Tensor3D;
}

type AttentionForward = (
  x: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor };

/** The batched layout: heads and samples are leading axes of every product. */
function batchedAttention(
  weights: AttentionWeights,
  mask: AttentionMask | undefined,
  causal: boolean,
): AttentionForward {
  const { heads, query, key, value, output } = weights;
  const dk = query.w.shape[1] / heads;
  const scale = 1 / Math.sqrt(dk);
  return (x, save) => {
    const [B, L, dIn] = x.shape as [number, number, number];
    if (mask && mask.values.length !== B * heads * L * L)
      throw new RangeError(
        `attention mask holds ${mask.values.length} values, not B*h*L*L = ${B * heads * L * L}`,
      );
    // [B*L, h*d_k] <-> [B, h, L, d_k]; one head needs no transpose
    const split = (m: tf.Tensor2D) =>
      (heads === 1
        ? tf.reshape(m, [B, 1, L, dk])
        : tf.transpose(tf.reshape(m, [B, L, heads, dk]), [0, 2, 1, 3])) as tf.Tensor4D;
    const merge = (m: tf.Tensor4D) =>
      (heads === 1
        ? tf.reshape(m, [B * L, dk])
        : tf.reshape(tf.transpose(m, [0, 2, 1, 3]), [B * L, heads * dk])) as tf.Tensor2D;
    const x2 = tf.reshape(x, [B * L, dIn]) as tf.Tensor2D;
    // the 1/sqrt(d_k) of the scores goes on Q: a [B*L, h*d_k] pass instead of one per L x L matrix
    const q = split(tf.mul(tf.matMul(x2, query.w), scale));
    const k = split(tf.matMul(x2, key.w));
    const v = split(tf.matMul(x2, value.w));
    const scores = tf.matMul(q, k, false, true);
    const bias = causal ? scoreBias(1, L, true) : undefined;
    const a = tf.softmax(bias ? tf.add(scores, bias) : scores) as tf.Tensor4D;
    // drawAttentionMask lays the masks out [batch, heads, L, L], as a is
    const masked: tf.Tensor4D = mask ? tf.mul(a, tf.tensor4d(mask.values, [B, heads, L, L])) : a;
    const concatenated = merge(tf.matMul(masked, v));
    const y: tf.Tensor2D = output ? tf.matMul(concatenated, output.w) : concatenated;
    // saved, since autodiff tidies the forward pass; the mask itself is not needed again
    save([q, k, v, a, ...(mask ? [masked] : [])]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sq, sk, sv, sa, sMasked = sa] = saved as tf.Tensor4D[];
      const dy2 = tf.reshape(dy, [B * L, dy.shape[2] as number]) as tf.Tensor2D;
      const dO = split(output ? timesTransposed(dy2, output) : dy2);
      // O = A' V with A' = A * mask:  dA' = dO V^T,  dV = A'^T dO
      const dMasked = tf.matMul(dO, sv, false, true);
      const dv: tf.Tensor4D = tf.matMul(sMasked, dO, true, false);
      // softmax rows: dS = A * (dA - rowsum(dA * A)) with dA = dA' * mask. A * dA = A' * dA' =: T,
      // so dS = T - A * rowsum(T): three L x L passes instead of five, and no mask
      const t = tf.mul(dMasked, sMasked);
      const dS = tf.sub(t, tf.mul(sa, tf.sum(t, -1, true))) as tf.Tensor4D;
      // S = Q K^T with Q scaled:  dQ = dS K (scaled below),  dK = dS^T Q
      const dx2 = tf.addN([
        timesTransposed(tf.mul(merge(tf.matMul(dS, sk)), scale), query),
        timesTransposed(merge(tf.matMul(dS, sq, true, false)), key),
        timesTransposed(merge(dv), value),
      ]);
      return tf.reshape(dx2, [B, L, dIn]);
    };
    return { value: tf.reshape(y, [B, L, y.shape[1]]), gradFunc };
  };
}

/**
 * The grouped layout: samples are attended in groups whose G*L tokens form one block-diagonal
 * attention matrix (GROUP_TOKENS), each head's block is sliced out, and every product is 2-D
 * without transpose flags. `groupTokens` (tests) sets the grouping; 1 attends sample by sample.
 */
function groupedAttention(
  weights: AttentionWeights,
  mask: AttentionMask | undefined,
  groupTokens: number,
  causal: boolean,
): AttentionForward {
  const { heads, query, key, value, output } = weights;
  const dk = query.w.shape[1] / heads;
  const scale = 1 / Math.sqrt(dk);
  return (x, save) => {
    const [B, L, dIn] = x.shape as [number, number, number];
    const x2 = tf.reshape(x, [B * L, dIn]) as tf.Tensor2D;
    // the 1/sqrt(d_k) of the scores goes on Q: a [B*L, h*d_k] pass instead of one per L x L matrix
    const q: tf.Tensor2D = tf.mul(tf.matMul(x2, query.w), scale);
    const k: tf.Tensor2D = tf.matMul(x2, key.w);
    const v: tf.Tensor2D = tf.matMul(x2, value.w);
    const groups = groupsOf(B, L, groupTokens);
    const biases = new Map<number, tf.Tensor2D | undefined>();
    const biasOf = (size: number) =>
      biases.has(size) ? biases.get(size) : biases.set(size, scoreBias(size, L, causal)).get(size);
    const probabilities: tf.Tensor2D[] = [];
    // built once for both passes; saved with the rest, since autodiff tidies the forward pass
    const masks = groups.map((g) => range(heads).map((j) => maskOf(mask, g, j)));
    const outputs = groups.map((g, b) =>
      range(heads).map((j) => {
        const kT = tf.transpose(block(k, g, j, L, dk));
        const scores = tf.matMul(block(q, g, j, L, dk), kT);
        const bias = biasOf(g.size);
        const a = tf.softmax(bias ? tf.add(scores, bias) : scores) as tf.Tensor2D;
        probabilities.push(a);
        const m = masks[b][j];
        return tf.matMul<tf.Tensor2D>(m ? tf.mul(a, m) : a, block(v, g, j, L, dk));
      }),
    );
    const concatenated = assemble(outputs);
    const y: tf.Tensor2D = output ? tf.matMul(concatenated, output.w) : concatenated;
    const maskList = masks.flat().filter((m) => m !== undefined);
    save([q, k, v, ...probabilities, ...maskList]);
    const value3 = tf.reshape(y, [B, L, y.shape[1]]) as tf.Tensor3D;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sq, sk, sv, ...rest] = saved as tf.Tensor2D[];
      const sa = rest.slice(0, probabilities.length);
      const sm = rest.slice(probabilities.length);
      const dy2 = tf.reshape(dy, [B * L, dy.shape[2] as number]) as tf.Tensor2D;
      const dConcat: tf.Tensor2D = output ? timesTransposed(dy2, output) : dy2;
      const dq: tf.Tensor2D[][] = [];
      const dkk: tf.Tensor2D[][] = [];
      const dv: tf.Tensor2D[][] = [];
      for (const [b, g] of groups.entries()) {
        dq.push([]);
        dkk.push([]);
        dv.push([]);
        for (const j of range(heads)) {
          const a = sa[b * heads + j];
          const m = mask ? sm[b * heads + j] : undefined;
          const dO = block(dConcat, g, j, L, dk);
          // O = A' V:  dA' = dO V^T,  dV = A'^T dO. The L x L factor is transposed rather than
          // put on the right: wasm's matMul packs its right operand afresh for every new tensor,
          // which costs more than the transpose when that operand is L x L.
          const dMasked: tf.Tensor2D = tf.matMul(dO, tf.transpose(block(sv, g, j, L, dk)));
          dv[b].push(tf.matMul<tf.Tensor2D>(tf.transpose(m ? tf.mul(a, m) : a), dO));
          const dA = m ? tf.mul(dMasked, m) : dMasked;
          // softmax rows: dS = A * (dA - rowsum(dA * A)), the gradient of the scaled scores
          const dS = tf.mul(a, tf.sub(dA, tf.sum(tf.mul(dA, a), 1, true))) as tf.Tensor2D;
          // S = Q K^T with Q scaled:  dQ = dS K (scaled below),  dK = dS^T Q
          dq[b].push(tf.matMul<tf.Tensor2D>(dS, block(sk, g, j, L, dk)));
          dkk[b].push(tf.matMul<tf.Tensor2D>(tf.transpose(dS), block(sq, g, j, L, dk)));
        }
      }
      const dx2 = tf.addN([
        timesTransposed(tf.mul(assemble(dq), scale), query),
        timesTransposed(assemble(dkk), key),
        timesTransposed(assemble(dv), value),
      ]);
      return tf.reshape(dx2, [B, L, dIn]);
    };
    return { value: value3, gradFunc };
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
