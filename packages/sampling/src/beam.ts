/**
 * Beam search (HF's BeamSearchScorer, no sampling): numBeams hypotheses per prompt; each step scores
 * every (beam, token) by the beam's summed log-probability plus the token's processed log-probability,
 * keeps the best 2·numBeams candidates, moves those ending in EOS to the finished hypotheses (scored
 * sum / newTokens^lengthPenalty) and the first numBeams others to the next beams (the KV cache rows
 * are reordered to follow them). earlyStopping: true stops a prompt once numBeams hypotheses are
 * finished; false (HF's default) once no beam can beat the worst finished one; 'never' uses the
 * best score reachable at maxNewTokens.
 */
import type { GenerationConfig } from './config.js';
import { buildPipeline, eosList } from './pipeline.js';
import { logSoftmax } from './scores.js';
import type { GenerateOptions } from './generate.js';
import { lastLogits, modelIO, type GenerativeModel } from './model-io.js';

interface Hypothesis { tokens: number[]; score: number }

class BeamHypotheses {
  readonly list: Hypothesis[] = [];
  worst = 1e9;
  constructor(readonly numBeams: number, readonly lengthPenalty: number, readonly earlyStopping: boolean | 'never', readonly maxNewTokens: number) {}

  add(tokens: number[], sumLogprobs: number, newTokens: number): void {
    const score = sumLogprobs / Math.max(1, newTokens) ** this.lengthPenalty;
    if (this.list.length < this.numBeams || score > this.worst) {
      this.list.push({ tokens, score });
      if (this.list.length > this.numBeams) {
        this.list.sort((a, b) => b.score - a.score);
        this.list.pop();
      }
      this.worst = Math.min(...this.list.map((h) => h.score));
    }
  }

  isDone(bestSumLogprobs: number, newTokens: number): boolean {
    if (this.list.length < this.numBeams) return false;
    if (this.earlyStopping === true) return true;
    const len = this.earlyStopping === 'never' && this.lengthPenalty > 0 ? this.maxNewTokens : newTokens;
    return this.worst >= bestSumLogprobs / Math.max(1, len) ** this.lengthPenalty;
  }
}

export interface BeamOutput { rows: number[][]; newTokens: number[][]; scores: number[] }

export async function beamSearch(model: GenerativeModel, prompts: number[][], c: GenerationConfig, opts: GenerateOptions): Promise<BeamOutput> {
  const K = c.numBeams, B = prompts.length, R = B * K;
  const eos = new Set(eosList(c));
  const pad = c.padTokenId ?? (eos.size ? [...eos][0]! : 0);
  // every prompt K times: row r = b·K + k (an encoder-decoder encodes each copy; beams never leave their prompt)
  const io = modelIO(model, prompts.flatMap((p) => Array.from({ length: K }, () => p)), pad);
  const starts = io.rows.map((r) => r.length);
  const { processors } = buildPipeline(c, starts, opts.tokenizer);
  let tokens = io.rows, padded = io.padded, mask = io.mask;
  const W0 = padded[0]!.length;
  let scores: number[] = Array.from({ length: R }, (_, r) => (r % K === 0 ? 0 : -1e9)); // the first step extends beam 0 only
  const hyps = prompts.map(() => new BeamHypotheses(K, c.lengthPenalty, c.earlyStopping, c.maxNewTokens));
  const done = new Array<boolean>(B).fill(false);
  const cache = c.useCache ? model.newCache({ batchSize: R, maxLength: W0 + c.maxNewTokens }) : null;
  let next: number[][] = padded;
  try {
    for (let step = 0; step < c.maxNewTokens && !done.every(Boolean); step++) {
      if (opts.signal?.aborted) break;
      const input = cache ? next : padded;
      const s = await lastLogits(io.forward(input, mask, cache), R);
      const V = s.length / R;
      const src: number[] = [], chosen: number[] = [], nextScores: number[] = [];
      for (let b = 0; b < B; b++) {
        if (done[b]) {
          for (let k = 0; k < K; k++) { src.push(b * K + k); chosen.push(pad); nextScores.push(0); }
          continue;
        }
        // the best 2K (beam, token) candidates of this prompt, ties to the lower index
        const top: { r: number; t: number; v: number }[] = [];
        for (let k = 0; k < K; k++) {
          const r = b * K + k;
          const lp = Float32Array.from(logSoftmax(s.subarray(r * V, (r + 1) * V)));
          processors.processRow(Int32Array.from(tokens[r]!), lp, r);
          for (let t = 0; t < V; t++) {
            const v = scores[r]! + lp[t]!;
            if (!(v > -Infinity) || (top.length === 2 * K && v <= top[top.length - 1]!.v)) continue;
            let i = top.length;
            while (i > 0 && top[i - 1]!.v < v) i--;
            top.splice(i, 0, { r, t, v });
            if (top.length > 2 * K) top.pop();
          }
        }
        const beams: typeof top = [];
        const newTokens = step + 1;
        top.forEach((cand, rank) => {
          if (beams.length === K) return;
          if (eos.has(cand.t)) {
            if (rank < K) hyps[b]!.add([...tokens[cand.r]!.slice(starts[cand.r]), cand.t], cand.v, newTokens);
          } else beams.push(cand);
        });
        for (const x of beams) { src.push(x.r); chosen.push(x.t); nextScores.push(x.v); }
        for (let k = beams.length; k < K; k++) { src.push(b * K); chosen.push(pad); nextScores.push(-1e9); } // too few candidates
        done[b] = hyps[b]!.isDone(Math.max(...beams.map((x) => x.v)), newTokens);
      }
      cache?.reorder(src);
      tokens = src.map((r, i) => [...tokens[r]!, chosen[i]!]);
      padded = src.map((r, i) => [...padded[r]!, chosen[i]!]);
      mask = src.map((r) => [...mask[r]!, 1]);
      scores = nextScores;
      next = chosen.map((t) => [t]);
    }
  } finally {
    cache?.dispose();
    io.dispose();
  }
  // beams still open join their prompt's hypotheses
  const steps = padded[0]!.length - W0;
  for (let b = 0; b < B; b++) {
    if (done[b]) continue;
    for (let k = 0; k < K; k++) {
      const r = b * K + k;
      if (scores[r]! > -1e9) hyps[b]!.add(tokens[r]!.slice(starts[r]), scores[r]!, steps);
    }
  }
  const rows: number[][] = [], newTokens: number[][] = [], out: number[] = [];
  hyps.forEach((h, b) => {
    const best = [...h.list].sort((x, y) => y.score - x.score).slice(0, c.numReturnSequences);
    for (const hyp of best) {
      newTokens.push(hyp.tokens);
      out.push(hyp.score);
      rows.push([...io.padded[b * K]!.slice(0, W0), ...hyp.tokens]);
    }
  });
  const width = Math.max(...rows.map((r) => r.length));
  return { rows: rows.map((r) => [...r, ...new Array<number>(width - r.length).fill(pad)]), newTokens, scores: out };
}
