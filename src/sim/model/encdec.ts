import { tf } from '../../backend/tf.ts';
import { drawAttentionWeights, type AttentionWeights } from '../blocks/attention.ts';
import { layerNorm } from '../components/elementwise.ts';
import type { RandomStream } from '../random.ts';
import { sampleDropoutMask } from '../sampler.ts';
import { encDecInit, type CrossStds } from '../../theory/encdec.ts';
import type { ModelConfig, Placement } from '../../theory/models.ts';
import { attentionBranch, ffnBranch, hiddenMask } from './build.ts';
import { sublayerStep, type Step, type StackPass } from './stack.ts';

/** A cross-attention branch: f(decoder stream, memory) with its hidden dropout. */
export type CrossBranch = (x: tf.Tensor3D, memory: tf.Tensor3D) => tf.Tensor3D;

/** A decoder sublayer: a plain branch (self-attention, FFN), or a cross-attention reading the memory. */
export type DecoderStep = Step | (Omit<Step, 'f'> & { cross: CrossBranch });

export interface EncDecSpec {
  placement: Placement;
  /** 2N encoder sublayers */
  encoder: readonly Step[];
  /** 3N decoder sublayers: self-attention, cross-attention, FFN per layer */
  decoder: readonly DecoderStep[];
}

/**
 * Multi-head cross-attention on the decoder stream x [B, L_d, d] and the memory m [B, L_e, d]:
 * head j's queries x W_q^j, keys m W_k^j, values m W_v^j, A = softmax(Q K^T/sqrt(d_k)), no causal
 * mask, attention dropout `mask` [B, h, L_d, L_e] on A, heads concatenated and projected by W_o.
 * Plain tfjs ops, so autodiff gives both gradients (the decoder's through Q, the memory's through K
 * and V); test/encdec.test.ts holds them to finite differences.
 */
export function multiHeadCrossAttention(w: AttentionWeights, mask?: tf.Tensor4D): CrossBranch {
  const h = w.heads;
  const dk = w.query.w.shape[1] / h;
  const split = (x: tf.Tensor3D, weights: { w: tf.Tensor2D }) => {
    const [B, L, d] = x.shape;
    const p = tf.reshape(tf.matMul(tf.reshape(x, [B * L, d]), weights.w), [B, L, h, dk]);
    return tf.transpose(p, [0, 2, 1, 3]) as tf.Tensor4D;
  };
  return (x, memory) => {
    const [B, L, d] = x.shape;
    const q = tf.mul(split(x, w.query), 1 / Math.sqrt(dk)) as tf.Tensor4D;
    const a = tf.softmax(tf.matMul(q, split(memory, w.key), false, true)) as tf.Tensor4D;
    const o = tf.matMul(mask ? tf.mul(a, mask) : a, split(memory, w.value)) as tf.Tensor4D;
    const concatenated = tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [B * L, h * dk]) as tf.Tensor2D;
    return tf.reshape(tf.matMul(concatenated, w.output!.w), [B, L, d]) as tf.Tensor3D;
  };
}

function crossBranch(c: ModelConfig, s: CrossStds, random: RandomStream, batch: number): CrossBranch {
  const attention = multiHeadCrossAttention(
    drawAttentionWeights({ dIn: c.d, dHead: c.d / c.heads, heads: c.heads, ...s, sigmaO: s.sigmaO }, random),
    c.attentionDropout === 0
      ? undefined
      : tf.tensor4d(sampleDropoutMask(batch * c.heads * c.seqLen * c.seqLen, c.attentionDropout, random), [
          batch,
          c.heads,
          c.seqLen,
          c.seqLen,
        ]),
  );
  const drop = hiddenMask(c, batch, random);
  return (x, memory) => (drop ? (tf.mul(attention(x, memory), drop) as tf.Tensor3D) : attention(x, memory));
}

/**
 * Draws one replicate's encoder-decoder (src/theory/encdec.ts encDecInit: the DSLM recipe of both
 * stacks is an input). Encoder first, layer by layer, then the decoder. Call inside tf.tidy.
 */
export function drawEncDec(c: ModelConfig, random: RandomStream, batch: number): EncDecSpec {
  const init = encDecInit(c);
  const encoder: Step[] = init.encoder.stds.flatMap((s, l) => [
    { f: attentionBranch(c, s, random, batch, false), ...init.encoder.weights[2 * l] },
    { f: ffnBranch(c, s, random, batch), ...init.encoder.weights[2 * l + 1] },
  ]);
  const decoder: DecoderStep[] = init.decoder.stds.flatMap((s, l) => [
    { f: attentionBranch(c, s, random, batch, true), ...init.decoder.weights[3 * l] },
    { cross: crossBranch(c, init.decoder.cross[l], random, batch), ...init.decoder.weights[3 * l + 1] },
    { f: ffnBranch(c, s, random, batch), ...init.decoder.weights[3 * l + 2] },
  ]);
  return { placement: init.placement, encoder, decoder };
}

/** The memory the cross-attentions read: a Pre-LN encoder's final LayerNorm, a Post-LN encoder's last output. */
const memoryOf = (placement: Placement, top: tf.Tensor3D) => (placement === 'pre' ? layerNorm(top) : top);

/** The decoder's output as a function of both inputs (for finite differences and plain use). */
export function encDecForward(spec: EncDecSpec, xe: tf.Tensor3D, xd: tf.Tensor3D): tf.Tensor3D {
  const top = spec.encoder.reduce((h, s) => sublayerStep(spec.placement, s, h), xe);
  const memory = memoryOf(spec.placement, top);
  return spec.decoder.reduce((h, s) => sublayerStep(spec.placement, stepWith(s, memory), h), xd);
}

const stepWith = (s: DecoderStep, memory: tf.Tensor3D): Step =>
  'cross' in s ? { ...s, f: (x) => s.cross(x, memory) } : s;

/**
 * Forward and backward through both stacks in one pass, as runStack: a zero probe at every
 * boundary yields the gradient there. Returns the encoder's 2N+1 boundaries followed by the
 * decoder's 3N+1 (streams and gradients); the gradient at the encoder's boundaries is the one that
 * reaches it through the cross-attentions. The caller owns every returned tensor except the two
 * inputs (streams[0] and streams[2N+1]).
 */
export function runEncDec(spec: EncDecSpec, xe: tf.Tensor3D, xd: tf.Tensor3D, g: tf.Tensor3D): StackPass {
  const nE = spec.encoder.length;
  const nD = spec.decoder.length;
  const probes = Array.from({ length: nE + nD }, () => tf.zeros(xe.shape) as tf.Tensor3D);
  const encStreams: tf.Tensor3D[] = [xe];
  const decStreams: tf.Tensor3D[] = [xd];
  const f = (...args: tf.Tensor[]) => {
    let h = args[0] as tf.Tensor3D;
    for (let i = 0; i < nE; i++) {
      h = tf.add(sublayerStep(spec.placement, spec.encoder[i], h), args[2 + i]) as tf.Tensor3D;
      encStreams.push(tf.keep(h));
    }
    const memory = memoryOf(spec.placement, h);
    let y = args[1] as tf.Tensor3D;
    for (let i = 0; i < nD; i++) {
      const step = stepWith(spec.decoder[i], memory);
      y = tf.add(sublayerStep(spec.placement, step, y), args[2 + nE + i]) as tf.Tensor3D;
      decStreams.push(tf.keep(y));
    }
    return y;
  };
  const { value, grads } = tf.valueAndGrads(f)([xe, xd, ...probes], g);
  if (value !== decStreams[nD]) value.dispose();
  tf.dispose(probes);
  const [dxe, dxd, ...rest] = grads as tf.Tensor3D[];
  return {
    streams: [...encStreams, ...decStreams],
    gradients: [dxe, ...rest.slice(0, nE), dxd, ...rest.slice(nE)],
  };
}
