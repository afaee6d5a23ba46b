// Character classes by code point, filled lazily (ASCII eagerly), and byte-level helpers.

export const C_L = 1, C_N = 2, C_WS = 4, C_P = 8, C_M = 16, C_UPPER = 32, C_LOWER = 64, C_LMO = 128, C_CTRL = 256, C_MN = 512;
const DONE = 0x8000;
const table = new Uint16Array(0x110000);

const reL = /\p{L}/u, reN = /\p{N}/u, reP = /\p{P}/u, reM = /\p{M}/u, reMn = /\p{Mn}/u;
const reUp = /[\p{Lu}\p{Lt}]/u, reLow = /\p{Ll}/u, reLmo = /[\p{Lm}\p{Lo}]/u, reC = /\p{C}/u;

/** Unicode White_Space (what Rust's `\s` and `char::is_whitespace` use; JS `\s` differs on U+0085 and U+FEFF). */
export function isWhiteSpaceCp(cp: number): boolean {
  return (cp >= 9 && cp <= 13) || cp === 32 || cp === 0x85 || cp === 0xa0 || cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000;
}

function compute(cp: number): number {
  let f = DONE;
  if (cp >= 0xd800 && cp <= 0xdfff) return f | C_CTRL; // lone surrogate: category Cs
  const s = String.fromCodePoint(cp);
  if (reL.test(s)) {
    f |= C_L;
    if (reUp.test(s)) f |= C_UPPER;
    else if (reLow.test(s)) f |= C_LOWER;
    else if (reLmo.test(s)) f |= C_LMO;
  } else if (reN.test(s)) f |= C_N;
  else if (reP.test(s)) f |= C_P;
  else if (reM.test(s)) { f |= C_M; if (reMn.test(s)) f |= C_MN; }
  else if (reC.test(s)) f |= C_CTRL;
  if (isWhiteSpaceCp(cp)) f |= C_WS;
  return f;
}
for (let i = 0; i < 128; i++) table[i] = compute(i);

/** Class bits of a code point. */
export function cls(cp: number): number {
  const v = table[cp]!;
  if (v !== 0) return v;
  return (table[cp] = compute(cp));
}

/** Code point at UTF-16 index i (a lone surrogate is returned as itself). */
export function cpAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

// ---- GPT-2 byte <-> unicode mapping ----
export const BYTE_TO_CHAR: string[] = new Array(256);
export const CHAR_TO_BYTE = new Map<string, number>();
{
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    const cp = printable ? b : 256 + n++;
    BYTE_TO_CHAR[b] = String.fromCharCode(cp);
    CHAR_TO_BYTE.set(BYTE_TO_CHAR[b]!, b);
  }
}

const te = new TextEncoder();
const td = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
export const utf8 = (s: string): Uint8Array => te.encode(s);
export const fromUtf8 = (b: Uint8Array): string => td.decode(b);

/** Byte string (one char per byte) -> latin1 key used for rank maps. */
export function bytesToLatin1(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** UTF-8 bytes of s written into out starting at 0; returns the count. out must hold 3*s.length bytes. */
export function writeUtf8(s: string, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) { out[n++] = 0xc0 | (c >> 6); out[n++] = 0x80 | (c & 63); }
    else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          i++;
          out[n++] = 0xf0 | (cp >> 18); out[n++] = 0x80 | ((cp >> 12) & 63);
          out[n++] = 0x80 | ((cp >> 6) & 63); out[n++] = 0x80 | (cp & 63);
          continue;
        }
        c = 0xfffd; // lone surrogate, as TextEncoder does
      }
      out[n++] = 0xe0 | (c >> 12); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}

/** Number of UTF-8 bytes of the UTF-16 unit at i (pairs: 4 on the high unit, 0 on the low unit). */
export function utf8LenAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 4;
  } else if (c >= 0xdc00 && c <= 0xdfff) {
    const p = i > 0 ? s.charCodeAt(i - 1) : 0;
    if (p >= 0xd800 && p <= 0xdbff) return 0;
  }
  return 3;
}
