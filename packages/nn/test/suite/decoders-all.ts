/** Everything the decoder families run on every backend (the per-backend files call this). */
import { describe } from 'vitest';
import { gpt2Suite } from './gpt2.js';
import { llamaSuite } from './llama.js';
import { tinyGpt2, tinyLlama } from './families.js';
import { trainCase } from './train.js';
import { decoderPropertiesSuite } from './properties.js';

export function decoderFamiliesSuite(backend: string, small = false): void {
  gpt2Suite(backend, small);
  llamaSuite(backend, small);
  decoderPropertiesSuite('GPT2LMHeadModel', (b) => tinyGpt2(b), backend);
  decoderPropertiesSuite('LlamaForCausalLM', (b) => tinyLlama(b), backend);
  describe(`decoder training on ${backend}`, () => {
    trainCase('GPT2LMHeadModel', () => tinyGpt2(backend), 50, backend);
    trainCase('LlamaForCausalLM', () => tinyLlama(backend), 50, backend);
  });
}
