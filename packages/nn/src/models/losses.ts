/** The training losses of the model heads, in one place (HF's loss_type functions). */
import { crossEntropy, mean, type Tensor } from '@tessera/core';
import { NnError } from '../errors.js';

/** Mean next-token cross-entropy: logits[:, :-1] against labels[:, 1:], -100 ignored. */
export function shiftedLoss(logits: Tensor, labels: Tensor): Tensor {
  const [B, T, V] = logits.shape as [number, number, number];
  if (T < 2) throw new NnError('shiftedLoss: labels need at least 2 positions for a next-token loss', 'ERR_SHAPE');
  const l = logits.slice(1, 0, T - 1).reshape([B * (T - 1), V]);
  const y = labels.slice(1, 1, T).reshape([B * (T - 1)]);
  return crossEntropy(l, y.dtype === 'int32' ? y : y.to('int32'), { ignoreIndex: -100 });
}

/** Mean cross-entropy of every position, -100 ignored: masked-LM and seq2seq heads (labels not shifted). */
export function tokenLoss(logits: Tensor, labels: Tensor): Tensor {
  const [B, T, V] = logits.shape as [number, number, number];
  return crossEntropy(logits.reshape([B * T, V]), labels.reshape([B * T]), { ignoreIndex: -100 });
}

/** Sequence classification: mean squared error for regression, else cross-entropy on int32 class ids. */
export function sequenceClassificationLoss(logits: Tensor, labels: Tensor, regression: boolean): Tensor {
  if (!regression) return crossEntropy(logits, labels);
  const n = logits.size;
  return mean(logits.reshape([n]).sub(labels.reshape([n])).square());
}
