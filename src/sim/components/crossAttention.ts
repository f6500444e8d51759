import { tf } from '../../backend/tf.ts';
import type { CrossAttentionConfig } from '../../theory/crossAttention.ts';
import {
  crossAttention,
  drawCrossAttentionMask,
  drawCrossAttentionWeights,
} from '../blocks/crossAttention.ts';
import { sampleTokens } from '../sampler.ts';
import type { Simulator } from '../simulator.ts';
import { weightChunks } from './chunks.ts';

const elements = (c: CrossAttentionConfig) =>
  c.seqLen * (2 * c.dIn + c.dOut + c.encoderLen) + c.encoderLen * c.dIn;

/**
 * Cross-attention (docs/theory-extensions.md 3): a decoder stream [B, L_d, d_in] and an encoder
 * stream [B, L_e, d_in], independent, each with its own std and token correlation; upstream
 * gradient [B, L_d, d_k]. Weights are redrawn per chunk of samples as for SHA. Observes the output
 * and the gradient at the decoder stream per decoder token, and the gradient at the encoder stream.
 */
export const crossAttentionSimulator: Simulator<CrossAttentionConfig> = {
  key: 'cross-attention',
  observations: ['output', 'inputGrad', 'encoderGrad'],
  elementsPerSample: elements,
  replicate(c, random, batch) {
    const draw = (seqLen: number, features: number, std: number, r: number) =>
      tf.tensor3d(sampleTokens({ batch, seqLen, features }, { mean: 0, std, tokenCorrelation: r }, random), [
        batch,
        seqLen,
        features,
      ]);
    const decoder = draw(c.seqLen, c.dIn, c.sigmaX, c.rX);
    const encoder = draw(c.encoderLen, c.dIn, c.sigmaE, c.rE);
    const g = draw(c.seqLen, c.dOut, c.sigmaG, c.rG);
    const mask = drawCrossAttentionMask(batch, c.seqLen, c.encoderLen, c.attentionDropout, random);
    const weightElements = 3 * c.dIn * c.dOut;
    const parts = weightChunks(batch, (batch * elements(c)) / weightElements).map((chunk) => ({
      chunk,
      attend: crossAttention(
        drawCrossAttentionWeights(
          { dIn: c.dIn, dHead: c.dOut, sigmaQ: c.sigmaQ, sigmaK: c.sigmaK, sigmaV: c.sigmaV },
          random,
        ),
        mask && (tf.slice(mask, [chunk.first, 0, 0], [chunk.size, -1, -1]) as tf.Tensor3D),
      ),
    }));
    const rows = (t: tf.Tensor3D, chunk: { first: number; size: number }) =>
      tf.slice(t, [chunk.first, 0, 0], [chunk.size, -1, -1]) as tf.Tensor3D;
    const f = (d: tf.Tensor3D, e: tf.Tensor3D) =>
      tf.concat(
        parts.map(({ chunk, attend }) => attend(rows(d, chunk), rows(e, chunk))),
        0,
      ) as tf.Tensor3D;
    const { value, grads } = tf.valueAndGrads((d: tf.Tensor, e: tf.Tensor) =>
      f(d as tf.Tensor3D, e as tf.Tensor3D),
    )([decoder, encoder], g);
    return {
      output: { tensor: value as tf.Tensor3D, axis: 1 },
      inputGrad: { tensor: grads[0] as tf.Tensor3D, axis: 1 },
      encoderGrad: { tensor: grads[1] as tf.Tensor3D, axis: 1 },
    };
  },
};
