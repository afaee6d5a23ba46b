import { describe, expect, it } from 'vitest';
import { broadcastShapes, contiguousStrides, inferShape, viewStrides } from '../src/layout.js';
import { ShapeError } from '../src/index.js';

describe('layout', () => {
  it('views contiguous and permuted layouts without copying where possible', () => {
    expect(viewStrides({ shape: [2, 3, 4], strides: [12, 4, 1], offset: 0 }, [6, 4])).toEqual([4, 1]);
    // transposed [3, 2] of a [2, 3]: merging both dims is impossible
    expect(viewStrides({ shape: [3, 2], strides: [1, 3], offset: 0 }, [6])).toBeNull();
    // splitting a dim of a transposed tensor works
    expect(viewStrides({ shape: [4, 2], strides: [1, 4], offset: 0 }, [2, 2, 2])).toEqual([2, 1, 4]);
    // a sliced (non-contiguous rows) tensor keeps its row stride when adding unit dims
    expect(viewStrides({ shape: [2, 3], strides: [8, 1], offset: 1 }, [2, 1, 3])).toEqual([8, 1, 1]);
  });
  it('broadcasts and names both shapes on mismatch', () => {
    expect(broadcastShapes([3, 1], [4], 'add')).toEqual([3, 4]);
    expect(() => broadcastShapes([3, 2], [4], 'add')).toThrow(/add: shapes \[3, 2\] and \[4\]/);
    expect(() => broadcastShapes([3, 2], [4], 'add')).toThrow(ShapeError);
  });
  it('infers -1', () => {
    expect(inferShape([-1, 4], 12, 'reshape')).toEqual([3, 4]);
    expect(() => inferShape([-1, 5], 12, 'reshape')).toThrow(/reshape/);
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
  });
});
