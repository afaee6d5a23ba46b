/** Tiny random configs of each decoder family, for training and property tests. */
import { GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, Weights } from '../../src/index.js';

export const tinyGpt2 = (backend?: string, extra: Record<string, unknown> = {}) => new GPT2LMHeadModel(new GPT2Config({
  vocab_size: 50, n_positions: 32, n_embd: 16, n_layer: 2, n_head: 2, resid_pdrop: 0, embd_pdrop: 0, attn_pdrop: 0, ...extra,
}), new Weights(null, { backend }));

export const tinyLlama = (backend?: string, extra: Record<string, unknown> = {}) => new LlamaForCausalLM(new LlamaConfig({
  vocab_size: 50, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
  max_position_embeddings: 32, ...extra,
}), new Weights(null, { backend }));
