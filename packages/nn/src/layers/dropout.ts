import { dropout, type Tensor } from '@tessera/core';
import { Module } from '../module.js';

/** Zeroes elements with probability p while training (reads `training`); identity in eval(). */
export class Dropout extends Module {
  constructor(readonly p = 0.5) { super(); }

  forward(x: Tensor): Tensor {
    return this.training && this.p > 0 ? dropout(x, this.p, { training: true }) : x;
  }
}
