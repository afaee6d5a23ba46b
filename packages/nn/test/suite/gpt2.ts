import { GPT2LMHeadModel } from '../../src/index.js';
import { decoderFixtureSuite } from './decoder.js';

const load = async (dir: string, backend: string) => (await GPT2LMHeadModel.fromPretrained(dir, { backend })).eval();

/** GPT-2 fixtures on `backend`; `small` keeps to one case of each (slow backends). */
export function gpt2Suite(backend: string, small = false): void {
  decoderFixtureSuite({ fixture: 'gpt2', load, backend, cases: small ? ['batch2_left_pad'] : undefined });
  decoderFixtureSuite({ fixture: 'gpt2/x8', load, backend, cases: small ? ['batch2_right_pad'] : undefined, cache: !small, greedy: !small });
}
