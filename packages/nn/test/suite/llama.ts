import { LlamaForCausalLM } from '../../src/index.js';
import { decoderFixtureSuite } from './decoder.js';

const load = async (dir: string, backend: string) => (await LlamaForCausalLM.fromPretrained(dir, { backend })).eval();

/** LLaMA fixtures on `backend`; `small` keeps to one case (slow backends). */
export function llamaSuite(backend: string, small = false): void {
  decoderFixtureSuite({ fixture: 'llama', load, backend, cases: small ? ['batch2_left_pad'] : undefined });
}
