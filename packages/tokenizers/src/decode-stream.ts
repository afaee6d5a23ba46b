// Incremental decoding: text comes out only at complete characters (HF DecodeStream).
import { int } from './args.js';

interface Decodes { decode(ids: ArrayLike<number>, opts: { skipSpecialTokens?: boolean }): string }

export class DecodeStream {
  private ids: number[] = [];
  private prefix = '';
  private prefixIndex = 0;
  constructor(private readonly tok: Decodes, private readonly skip: boolean) {}
  /** Add one id; returns the new text, or null while a character is incomplete. */
  step(id: number): string | null {
    int('DecodeStream.step', 'id', id);
    this.ids.push(id);
    let s: string;
    try { s = this.tok.decode(this.ids, { skipSpecialTokens: this.skip }); } catch (e) { this.ids.pop(); throw e; }
    if (s.length > this.prefix.length && !s.endsWith('\ufffd') && s.startsWith(this.prefix)) {
      const fresh = s.slice(this.prefix.length);
      const newIndex = this.ids.length - this.prefixIndex;
      this.ids = this.ids.slice(this.prefixIndex);
      this.prefix = this.tok.decode(this.ids, { skipSpecialTokens: this.skip });
      this.prefixIndex = newIndex;
      return fresh;
    }
    return null;
  }
}
