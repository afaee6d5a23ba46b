/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the
 * counter-based generator every Tessera backend shares so that a seed gives the same bits everywhere.
 * Words are uint32 held in JS numbers.
 */
const M0 = 0xd2511f53, M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9, W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32 (JS doubles hold 53 bits: split a in halves). */
export function mulhi32(a: number, b: number): number {
  const t = (a >>> 16) * b; // < 2^48, exact
  const u = (a & 0xffff) * b; // < 2^48, exact; a*b = t*2^16 + u
  return (Math.floor(t / 65536) + Math.floor(((t % 65536) * 65536 + u) / 4294967296)) >>> 0;
}

/** One block: 4 output words for counter (c0..c3) and key (k0, k1), written to out[0..3]. */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let r = 0; r < 10; r++) {
    if (r > 0) { k0 = (k0 + W0) >>> 0; k1 = (k1 + W1) >>> 0; }
    const hi0 = mulhi32(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/** x mod 2^32 for any integer-valued number (seeds up to 2^53, negative ones too). */
export function u32(x: number): number {
  return ((x % 4294967296) + 4294967296) % 4294967296;
}

/** The contract's key for a seed: (seed mod 2^32, floor(seed / 2^32) mod 2^32). */
export function seedKey(seed: number): [number, number] {
  return [u32(seed), u32(Math.floor(seed / 4294967296))];
}
