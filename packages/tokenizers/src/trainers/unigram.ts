// Unigram trainer in the way of SentencePiece: seed pieces from frequent substrings, EM over the
// segmentation lattice of every word (forward-backward expected counts, Bayesian M-step with
// digamma), and pruning by how much the corpus likelihood drops when a piece is removed, until
// the vocabulary reaches its size.
import { fail } from '../errors.js';
import { Unigram } from '../models/unigram.js';
import { PairTable } from '../models/pair-table.js';
import { UnicodeNormalizer } from '../normalizers.js';
import { Metaspace } from '../pre-tokenizers.js';
import { ByteFallbackDecoder, DecoderSequence, FuseDecoder, MetaspaceDecoder } from '../decoders.js';
import { Tokenizer } from '../tokenizer.js';
import { checkVocabSize, countWords, readLines, Reporter, uniqueStrings, type Corpus, type TrainerOptions } from './common.js';

export interface UnigramTrainerOptions extends TrainerOptions {
  /** Default "<unk>" (put first among the special tokens when missing); null: no unknown token. */
  unkToken?: string | null;
  /** Add the 256 byte pieces <0x00>..<0xFF> so that any text encodes without unknowns. */
  byteFallback?: boolean;
  /** Fraction of pieces kept by each pruning round (default 0.75). */
  shrinkingFactor?: number;
  /** Longest piece in characters (default 16). */
  maxPieceLength?: number;
  /** EM iterations between prunings (default 2). */
  nSubIterations?: number;
  /** Number of seed pieces (default 1,000,000). */
  seedSize?: number;
  /** Characters always kept. */
  initialAlphabet?: string[];
  /** Keep at most this many characters (the most frequent); others become unknown / bytes. */
  limitAlphabet?: number | null;
}

export interface UnigramLoss { round: number; iteration: number; pieces: number; loss: number }

function digamma(x: number): number {
  let r = 0;
  while (x < 7) { r -= 1 / x; x += 1; }
  x -= 0.5;
  const xx = 1 / (x * x), xx2 = xx * xx, xx4 = xx2 * xx2;
  return r + Math.log(x) + (1 / 24) * xx - (7 / 960) * xx2 + (31 / 8064) * xx4 * xx - (127 / 30720) * xx4 * xx2;
}

function logAdd(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
}

const K_UNK_PENALTY = 10;

/** Character trie over code points, for lattices of arbitrary strings. */
class Trie {
  private t = new PairTable(1 << 12);
  private ids: number[] = [-1];
  add(cps: number[], id: number): void {
    let node = 0;
    for (const c of cps) {
      const s = this.t.find(node, c);
      if (s >= 0) node = this.t.mergedAt(s);
      else { const nn = this.ids.length; this.ids.push(-1); this.t.set(node, c, 0, nn); node = nn; }
    }
    this.ids[node] = id;
  }
  /** Pieces starting at position i of cps: pushes [end, id] pairs (shortest first). */
  prefixes(cps: ArrayLike<number>, i: number, maxLen: number, out: number[]): void {
    let node = 0;
    const end = Math.min(cps.length, i + maxLen);
    for (let k = i; k < end; k++) {
      const s = this.t.find(node, cps[k]!);
      if (s < 0) return;
      node = this.t.mergedAt(s);
      const id = this.ids[node]!;
      if (id >= 0) out.push(k + 1, id);
    }
  }
}

export class UnigramTrainer {
  /** Loss (negative log-likelihood per word occurrence) after each EM iteration of the last training. */
  lossHistory: UnigramLoss[] = [];
  constructor(readonly options: UnigramTrainerOptions = {}) {}

  train(corpus: Corpus): Tokenizer {
    const o = this.options;
    const vocabSize = checkVocabSize(o.vocabSize, 8000);
    const special = uniqueStrings(o.specialTokens, 'specialTokens');
    const unkToken = o.unkToken === undefined ? '<unk>' : o.unkToken;
    if (unkToken !== null && !special.includes(unkToken)) special.unshift(unkToken);
    const byteFallback = !!o.byteFallback;
    const shrink = o.shrinkingFactor ?? 0.75;
    if (!(shrink > 0 && shrink < 1)) fail('INVALID_ARGUMENT', `shrinkingFactor must be in (0, 1), got ${shrink}`);
    const maxLen = o.maxPieceLength ?? 16;
    const nSub = o.nSubIterations ?? 2;
    const seedSize = o.seedSize ?? 1_000_000;
    const normalizer = o.normalizer !== undefined ? o.normalizer : new UnicodeNormalizer('NFKC');
    const pre = o.preTokenizer !== undefined ? o.preTokenizer : new Metaspace('\u2581', 'always', true);
    const rep = new Reporter(o);
    const wordMap = countWords(corpus, normalizer, pre, rep);

    // words as code points
    const words: number[][] = [];
    const wcount: number[] = [];
    for (const [w, c] of wordMap) { words.push(Array.from(w, (ch) => ch.codePointAt(0)!)); wcount.push(c); }
    const totalCount = wcount.reduce((a, b) => a + b, 0);

    // required characters: by frequency, the initial alphabet always
    const charFreq = new Map<number, number>();
    words.forEach((w, i) => { for (const c of w) charFreq.set(c, (charFreq.get(c) ?? 0) + wcount[i]!); });
    const initial = new Set(uniqueStrings(o.initialAlphabet, 'initialAlphabet').map((s) => s.codePointAt(0)!).filter((c) => c !== undefined));
    let required = [...charFreq.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([c]) => c);
    if (o.limitAlphabet !== undefined && o.limitAlphabet !== null) {
      const keep = required.filter((c) => initial.has(c));
      for (const c of required) if (keep.length < o.limitAlphabet && !initial.has(c)) keep.push(c);
      required = keep;
    }
    for (const c of initial) if (!required.includes(c)) required.push(c);
    const target = vocabSize - special.length - (byteFallback ? 256 : 0);
    if (target < required.length) {
      fail('INVALID_ARGUMENT', `vocabSize ${vocabSize} is too small: ${required.length} characters + ${special.length} special tokens${byteFallback ? ' + 256 bytes' : ''} are required (set limitAlphabet)`);
    }
    const requiredSet = new Set(required);

    // seeds: every required character, then the substrings seen at least twice scored by count * length
    const sub = new Map<string, number>();
    words.forEach((w, wi) => {
      const c = wcount[wi]!;
      const s = String.fromCodePoint(...w);
      // UTF-16 index of each code point
      const at: number[] = [];
      for (let i = 0, u = 0; i <= w.length; i++) { at.push(u); if (i < w.length) u += w[i]! > 0xffff ? 2 : 1; }
      for (let i = 0; i < w.length; i++) {
        if (!requiredSet.has(w[i]!)) continue;
        for (let l = 2; l <= maxLen && i + l <= w.length; l++) {
          if (!requiredSet.has(w[i + l - 1]!)) break;
          const k = s.slice(at[i]!, at[i + l]!);
          sub.set(k, (sub.get(k) ?? 0) + c);
        }
      }
    });
    const subs = [...sub.entries()].filter(([, n]) => n >= 2).map(([k, n]) => [k, n * Array.from(k).length] as [string, number]);
    subs.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    sub.clear();
    const pieces: string[] = required.map((c) => String.fromCodePoint(c));
    const init: number[] = required.map((c) => charFreq.get(c) ?? 1);
    for (const [k, n] of subs) { if (pieces.length >= seedSize) break; pieces.push(k); init.push(n); }
    const np = pieces.length;
    const pieceCps = pieces.map((p) => Array.from(p, (ch) => ch.codePointAt(0)!));
    const score = new Float64Array(np);
    { const logsum = Math.log(init.reduce((a, b) => a + b, 0)); for (let i = 0; i < np; i++) score[i] = Math.log(init[i]!) - logsum; }
    const alive = new Uint8Array(np).fill(1);
    rep.report('seeds', np, np);

    // candidate lattice nodes of every word against the seeds: begin, end, piece (begin ascending)
    const seedTrie = new Trie();
    for (let i = 0; i < np; i++) seedTrie.add(pieceCps[i]!, i);
    const nodeStart = new Int32Array(words.length + 1);
    let nb: number[] = [], ne: number[] = [], nid: number[] = [];
    {
      const tmp: number[] = [];
      words.forEach((w, wi) => {
        nodeStart[wi] = nb.length;
        for (let i = 0; i < w.length; i++) {
          tmp.length = 0;
          seedTrie.prefixes(w, i, maxLen, tmp);
          for (let k = 0; k < tmp.length; k += 2) { nb.push(i); ne.push(tmp[k]!); nid.push(tmp[k + 1]!); }
        }
      });
      nodeStart[words.length] = nb.length;
    }
    const NB = Int32Array.from(nb), NE = Int32Array.from(ne), NI = Int32Array.from(nid);
    nb = []; ne = []; nid = [];
    let maxWord = 1;
    for (const w of words) if (w.length + 1 > maxWord) maxWord = w.length + 1;
    const alpha = new Float64Array(maxWord), beta = new Float64Array(maxWord);
    const hasSingle = new Uint8Array(maxWord);

    const minScore = () => { let m = Infinity; for (let i = 0; i < np; i++) if (alive[i] && score[i]! < m) m = score[i]!; return m === Infinity ? 0 : m; };

    // E-step: expected piece counts; returns the objective (-sum count * log Z / total)
    const expected = new Float64Array(np);
    const eStep = (): number => {
      expected.fill(0);
      const unk = minScore() - K_UNK_PENALTY;
      let obj = 0;
      for (let wi = 0; wi < words.length; wi++) {
        const n = words[wi]!.length, c = wcount[wi]!;
        const a0 = nodeStart[wi]!, a1 = nodeStart[wi + 1]!;
        alpha.fill(-Infinity, 0, n + 1); beta.fill(-Infinity, 0, n + 1); hasSingle.fill(0, 0, n);
        alpha[0] = 0; beta[n] = 0;
        for (let k = a0; k < a1; k++) if (alive[NI[k]!] && NE[k]! - NB[k]! === 1) hasSingle[NB[k]!] = 1;
        // forward (nodes are sorted by begin; unknown single characters where no piece covers one)
        let k = a0;
        for (let i = 0; i < n; i++) {
          const ai = alpha[i]!;
          if (!hasSingle[i]) alpha[i + 1] = logAdd(alpha[i + 1]!, ai + unk);
          for (; k < a1 && NB[k] === i; k++) { const id = NI[k]!; if (alive[id]) alpha[NE[k]!] = logAdd(alpha[NE[k]!]!, ai + score[id]!); }
        }
        k = a1 - 1;
        for (let i = n - 1; i >= 0; i--) {
          let b = hasSingle[i] ? -Infinity : unk + beta[i + 1]!;
          for (; k >= a0 && NB[k] === i; k--) { const id = NI[k]!; if (alive[id]) b = logAdd(b, score[id]! + beta[NE[k]!]!); }
          beta[i] = b;
        }
        const z = alpha[n]!;
        obj += c * z;
        for (let q = a0; q < a1; q++) {
          const id = NI[q]!;
          if (!alive[id]) continue;
          expected[id] += c * Math.exp(alpha[NB[q]!]! + score[id]! + beta[NE[q]!]! - z);
        }
      }
      return -obj / totalCount;
    };

    // M-step: drop pieces expected less than 0.5 times; Bayesian (digamma) re-estimation
    const mStep = (): void => {
      let sum = 0;
      for (let i = 0; i < np; i++) {
        if (!alive[i]) continue;
        if (expected[i]! < 0.5) { alive[i] = 0; continue; }
        sum += expected[i]!;
      }
      const ls = digamma(sum);
      for (let i = 0; i < np; i++) if (alive[i]) score[i] = digamma(expected[i]!) - ls;
    };

    const aliveCount = () => { let n = 0; for (let i = 0; i < np; i++) n += alive[i]!; return n; };

    // Viterbi over the candidate nodes of word wi (or of an arbitrary node list); returns piece ids
    const bestScore = new Float64Array(maxWord + maxLen), bestFrom = new Int32Array(maxWord + maxLen), bestId = new Int32Array(maxWord + maxLen);
    const viterbi = (n: number, nodesB: ArrayLike<number>, nodesE: ArrayLike<number>, nodesI: ArrayLike<number>, a0: number, a1: number, unk: number, skip: number): number[] | null => {
      bestFrom.fill(-1, 0, n + 1);
      bestScore[0] = 0; bestFrom[0] = 0;
      let k = a0;
      hasSingle.fill(0, 0, n);
      for (let q = a0; q < a1; q++) if (q !== skip && alive[nodesI[q]!] && nodesE[q]! - nodesB[q]! === 1) hasSingle[nodesB[q]!] = 1;
      for (let i = 0; i < n; i++) {
        const ok = bestFrom[i] !== -1;
        const base = bestScore[i]!;
        if (ok && !hasSingle[i] && unk > -Infinity) {
          const cand = base + unk;
          if (bestFrom[i + 1] === -1 || cand > bestScore[i + 1]!) { bestScore[i + 1] = cand; bestFrom[i + 1] = i; bestId[i + 1] = -1; }
        }
        for (; k < a1 && nodesB[k] === i; k++) {
          const id = nodesI[k]!;
          if (!ok || k === skip || !alive[id]) continue;
          const e = nodesE[k]!, cand = base + score[id]!;
          if (bestFrom[e] === -1 || cand > bestScore[e]!) { bestScore[e] = cand; bestFrom[e] = i; bestId[e] = id; }
        }
      }
      if (bestFrom[n] === -1) return null;
      const out: number[] = [];
      for (let e = n; e > 0; e = bestFrom[e]!) out.push(bestId[e]!);
      return out.reverse();
    };

    const prune = (desired: number): void => {
      // alternatives: the best segmentation of each piece without itself
      const trie = new Trie();
      for (let i = 0; i < np; i++) if (alive[i]) trie.add(pieceCps[i]!, i);
      const alwaysKeep = new Uint8Array(np);
      const alternatives: Array<number[] | null> = new Array(np).fill(null);
      const tmp: number[] = [], lb: number[] = [], le: number[] = [], li: number[] = [];
      for (let p = 0; p < np; p++) {
        if (!alive[p]) continue;
        const cps = pieceCps[p]!;
        if (cps.length === 1) { alwaysKeep[p] = 1; continue; }
        lb.length = 0; le.length = 0; li.length = 0;
        let self = -1;
        for (let i = 0; i < cps.length; i++) {
          tmp.length = 0;
          trie.prefixes(cps, i, maxLen, tmp);
          for (let k = 0; k < tmp.length; k += 2) { if (i === 0 && tmp[k] === cps.length && tmp[k + 1] === p) self = lb.length; lb.push(i); le.push(tmp[k]!); li.push(tmp[k + 1]!); }
        }
        const alt = viterbi(cps.length, lb, le, li, 0, lb.length, -Infinity, self);
        if (!alt) { alwaysKeep[p] = 1; continue; }
        let altScore = 0;
        for (const id of alt) altScore += id >= 0 ? score[id]! : 0;
        if (score[p]! >= altScore) { alwaysKeep[p] = 1; alternatives[p] = alt; }
      }
      // Viterbi frequencies over the corpus and the words each piece appears in
      const freq = new Float64Array(np);
      const inWords = new Float64Array(np); // summed counts of the words containing the piece (per occurrence)
      const unk = minScore() - K_UNK_PENALTY;
      let vsum = 0;
      for (let wi = 0; wi < words.length; wi++) {
        const c = wcount[wi]!;
        vsum += c;
        const path = viterbi(words[wi]!.length, NB, NE, NI, nodeStart[wi]!, nodeStart[wi + 1]!, unk, -1);
        if (!path) continue;
        for (const id of path) if (id >= 0) { freq[id] += c; inWords[id] += c; }
      }
      let sum = 0;
      for (let i = 0; i < np; i++) sum += freq[i]!;
      const logsum = Math.log(sum);
      const keep: number[] = [];
      const cands: Array<[number, number]> = [];
      for (let i = 0; i < np; i++) {
        if (!alive[i]) continue;
        if (freq[i] === 0 || !alwaysKeep[i]) continue;
        const alt = alternatives[i];
        if (!alt || alt.length === 0) { keep.push(i); continue; }
        const F = inWords[i]! / vsum;
        const logprobSp = Math.log(freq[i]!) - logsum;
        const logsumAlt = Math.log(sum + freq[i]! * (alt.length - 1));
        let logprobAlt = 0;
        for (const n of alt) logprobAlt += Math.log((n >= 0 ? freq[n]! : 0) + freq[i]!) - logsumAlt;
        cands.push([i, F * (logprobSp - logprobAlt)]);
      }
      const size = Math.max(desired, Math.floor(shrink * aliveCount()));
      cands.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      for (const [i] of cands) { if (keep.length >= size) break; keep.push(i); }
      alive.fill(0);
      for (const i of keep) alive[i] = 1;
    };

    this.lossHistory = [];
    const desired = Math.floor((target * 11) / 10);
    for (let round = 0; ; round++) {
      for (let it = 0; it < nSub; it++) {
        const loss = eStep();
        mStep();
        const pieces = aliveCount();
        this.lossHistory.push({ round, iteration: it, pieces, loss });
        rep.report('em', pieces, target, { round, iteration: it, loss });
      }
      if (aliveCount() <= desired) break;
      prune(desired);
      rep.report('prune', aliveCount(), target, { round });
      if (round > 1000) break;
    }

    // finalize: required characters, then the best-scored pieces; sorted by score
    const minS = minScore();
    const chosen = new Map<string, number>();
    let penalty = 0;
    for (const c of required) {
      const p = String.fromCodePoint(c);
      const i = pieces.indexOf(p);
      if (i >= 0 && alive[i]) chosen.set(p, score[i]!);
      else { chosen.set(p, minS + penalty); penalty += 0.0001; }
    }
    const order: number[] = [];
    for (let i = 0; i < np; i++) if (alive[i]) order.push(i);
    order.sort((a, b) => score[b]! - score[a]! || a - b);
    for (const i of order) {
      if (chosen.size >= target) break;
      if (!chosen.has(pieces[i]!)) chosen.set(pieces[i]!, score[i]!);
    }
    for (const t of special) chosen.delete(t);
    const final = [...chosen.entries()].sort((a, b) => b[1] - a[1]);
    const vocab: Array<[string, number]> = special.map((t) => [t, 0]);
    if (byteFallback) for (let b = 0; b < 256; b++) vocab.push([`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, 0]);
    for (const e of final) vocab.push(e);
    const unkId = unkToken === null ? null : special.indexOf(unkToken);
    const model = new Unigram({ vocab, unkId, byteFallback });
    const md = new MetaspaceDecoder('\u2581', 'always', true);
    return new Tokenizer({
      model, normalizer, preTokenizer: pre,
      decoder: byteFallback ? new DecoderSequence([new ByteFallbackDecoder(), new FuseDecoder(), md]) : md,
      addedTokens: special.map((t, i) => ({ id: i, content: t, special: true, normalized: false })),
    });
  }

  trainFromFiles(paths: string[]): Tokenizer { return this.train(readLines(paths)); }
}
