/**
 * The Tensor method forms the suite calls (API.md: "most also exist as Tensor methods"), typed here
 * so that the suite type-checks against any build of core; `m(t).add(b)` is just `t.add(b)`.
 */
import type { DType, Tensor } from '@tessera/core';

type Axis = number | number[];

export interface TensorMethods {
  add(b: Tensor | number): Tensor; sub(b: Tensor | number): Tensor; mul(b: Tensor | number): Tensor;
  div(b: Tensor | number): Tensor; matmul(b: Tensor): Tensor; neg(): Tensor; exp(): Tensor;
  transpose(d0: number, d1: number): Tensor; reshape(shape: number[]): Tensor;
  sum(axis?: Axis, keepDim?: boolean): Tensor; mean(axis?: Axis, keepDim?: boolean): Tensor;
  to(dtypeOrBackend: DType | string): Tensor; clone(): Tensor; contiguous(): Tensor; detach(): Tensor;
  backward(grad?: Tensor): void;
}

export const m = (t: Tensor): Tensor & TensorMethods => t as Tensor & TensorMethods;
