import { embedding, type Tensor } from '@tessera/core';
import { Module } from '../module.js';
import { normalInit, type Init } from '../init.js';
import { Weights } from '../weights.js';

/** A lookup table [numEmbeddings, dim] (torch.nn.Embedding; default init N(0, 1)). */
export class Embedding extends Module {
  weight: Tensor;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, init: Init = normalInit(1), w = new Weights()) {
    super();
    this.weight = this.param(w.get('weight', [numEmbeddings, embeddingDim], init));
  }

  forward(ids: Tensor): Tensor {
    return embedding(ids, this.weight);
  }
}
