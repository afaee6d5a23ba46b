import { describe, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { ArgumentError, getRngState, manualSeed, rand, setRngState } from '../src/index.js';

describe('getRngState / setRngState', () => {
  it('restores the global stream so the next draws repeat bit for bit', () => {
    manualSeed(1234);
    rand([3]).dispose();
    const s = getRngState();
    const a = Array.from(rand([5]).dataSync());
    rand([2]).dispose();
    setRngState(s);
    expect(Array.from(rand([5]).dataSync())).toEqual(a);
    expect(getRngState()).toEqual({ seed: 1234, offset: s.offset + 1 });
  });

  it('rejects what getRngState never returns', () => {
    expect(() => setRngState(null as never)).toThrow(ArgumentError);
    expect(() => setRngState({ seed: -1, offset: 0 })).toThrow(/seed/);
    expect(() => setRngState({ seed: 1, offset: 2 ** 32 })).toThrow(/offset/);
  });
});
