/**
 * How a generation loop talks to a model. Decoder-only (GPT-2, LLaMA): the prompts, left-padded,
 * start the rows. Encoder-decoder (T5): the prompts go through the encoder once (right-padded, its
 * output kept for every step and its cross-attention K/V in the cache), and each row starts with
 * the decoder start token. `forward` returns the logits [rows, T, V] of the tokens fed this step.
 */
import { keep, noGrad, tensor, tidy, type Tensor } from '@tessera/core';
import type { KVCache } from '@tessera/nn';
import { GenerationError } from './errors.js';

/** The inputs generate passes: a decoder-only model's, or an encoder-decoder's. */
export interface GenerationStepInputs {
  inputIds?: Tensor; attentionMask?: Tensor; cache?: KVCache; decoderInputIds?: Tensor; encoderOutputs?: Tensor;
}

export interface GenerativeModel {
  forward(inputs: GenerationStepInputs): { logits?: Tensor; encoderLastHiddenState?: Tensor };
  newCache(opts: { batchSize: number; maxLength: number }): KVCache;
  /** The model's tensors: inputs are made on their backend. */
  parameters?(): Tensor[];
  config?: { modelType?: string; decoderStartTokenId?: number; isEncoderDecoder?: boolean };
}

export interface ModelIO {
  /** Each row's tokens so far: what processors see (decoder-only: the prompt; T5: the start token). */
  rows: number[][];
  /** Each row as fed to the decoder, left-padded, and its attention mask. */
  padded: number[][];
  mask: number[][];
  /** Whether the decoder needs the attention mask (some prompt is padded). */
  needsMask: boolean;
  forward(input: number[][], mask: number[][], cache: KVCache | null): Tensor;
  dispose(): void;
}

export function isEncoderDecoder(model: GenerativeModel): boolean {
  return Boolean(model.config?.isEncoderDecoder || model.config?.modelType === 't5');
}

export function checkModel(model: GenerativeModel): void {
  if (!model || typeof model.forward !== 'function' || typeof model.newCache !== 'function') {
    throw new GenerationError('generate: model must be a generative model of @tessera/nn (forward + newCache: GPT-2, LLaMA, T5)', 'ERR_ARGUMENT');
  }
}

export function modelIO(model: GenerativeModel, prompts: number[][], pad: number): ModelIO {
  const backend = model.parameters?.()[0]?.backend;
  const ints = (a: number[][]) => tensor(a, { dtype: 'int32', ...(backend ? { backend } : {}) });
  const P = Math.max(...prompts.map((p) => p.length));
  if (!isEncoderDecoder(model)) {
    return {
      rows: prompts.map((p) => [...p]),
      padded: prompts.map((p) => [...new Array<number>(P - p.length).fill(pad), ...p]),
      mask: prompts.map((p) => [...new Array<number>(P - p.length).fill(0), ...new Array<number>(p.length).fill(1)]),
      needsMask: prompts.some((p) => p.length < P),
      forward(input, mask, cache) {
        return noGrad(() => tidy(() => keep(model.forward({
          inputIds: ints(input), ...(this.needsMask ? { attentionMask: ints(mask) } : {}), ...(cache ? { cache } : {}),
        }).logits!)));
      },
      dispose() {},
    };
  }
  const start = model.config?.decoderStartTokenId;
  if (!Number.isInteger(start)) throw new GenerationError('generate: the encoder-decoder model has no decoderStartTokenId in its config', 'ERR_ARGUMENT');
  const encIds = ints(prompts.map((p) => [...p, ...new Array<number>(P - p.length).fill(pad)]));
  const encMask = ints(prompts.map((p) => [...new Array<number>(p.length).fill(1), ...new Array<number>(P - p.length).fill(0)]));
  let enc: Tensor | null = null;
  return {
    rows: prompts.map(() => [start!]),
    padded: prompts.map(() => [start!]),
    mask: prompts.map(() => [1]),
    needsMask: false,
    forward(input, _mask, cache) {
      return noGrad(() => tidy(() => {
        const out = model.forward({
          ...(enc ? { encoderOutputs: enc } : { inputIds: encIds }), attentionMask: encMask, decoderInputIds: ints(input), ...(cache ? { cache } : {}),
        });
        if (!enc) enc = keep(out.encoderLastHiddenState!);
        return keep(out.logits!);
      }));
    },
    dispose() { enc?.dispose(); encIds.dispose(); encMask.dispose(); },
  };
}

/** The last position's logits of a forward's output [rows, T, V], read back (the output is freed). */
export async function lastLogits(logits: Tensor, rows: number): Promise<Float32Array> {
  try {
    const T = logits.shape[1]!;
    const last = logits.slice(1, T - 1, T).reshape([rows, logits.shape[2]!]);
    try {
      return Float32Array.from((await last.data()) as Float32Array);
    } finally {
      last.dispose();
    }
  } finally {
    logits.dispose();
  }
}
