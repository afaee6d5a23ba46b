// Use after dispose on wasm, where a freed block is handed to the next allocation: a view of a
// disposed tensor must be refused, never read (or later free) another tensor's memory.
import { expect, it } from 'vitest';
import { setBackend, tensor } from '@tessera/core';
import '@tessera/backend-wasm';

it('wasm: a view of a disposed tensor is ERR_DISPOSED and never aliases the next allocation', async () => {
  await setBackend('wasm');
  const a = tensor([1, 2, 3, 4]);
  a.dispose();
  expect(() => a.reshape([4])).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
  expect(() => a.sum()).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
  const b = tensor([9, 9, 9, 9]);
  const v = b.reshape([2, 2]);
  b.dispose();
  v.dispose(); // the last view frees once: no "double free?"
  const c = tensor([5, 6, 7, 8]);
  expect(Array.from(c.dataSync())).toEqual([5, 6, 7, 8]);
  c.dispose();
});
