// HF `tokenizers` reads tokenizer.json with serde_json's default float parser, which is not
// correctly rounded: it turns the digits into an integer, rounds that to f64, then multiplies or
// divides once by a power of ten. A score with 17 significant digits can come out 1 ulp away from
// what JSON.parse gives, and Unigram paths of equal real score then tie differently. This module
// gives the value HF holds for a number of a tokenizer.json.

/** 10^k as rustc reads the literal (correctly rounded), k in 0..308. */
const POW10 = Array.from({ length: 309 }, (_, k) => Number(`1e${k}`));

/** serde_json (without `float_roundtrip`): f64 from an integer significand and a decimal exponent. */
export function serdeFromParts(negative: boolean, significand: string, exponent: number): number {
  let f = Number(significand); // `u64 as f64`: round to nearest, ties to even
  for (;;) {
    const k = Math.abs(exponent);
    if (k <= 308) { f = exponent >= 0 ? f * POW10[k]! : f / POW10[k]!; break; }
    if (f === 0 || exponent > 0) { f = exponent > 0 && f !== 0 ? Infinity : f; break; }
    f /= 1e308;
    exponent += 308;
  }
  return negative ? -f : f;
}

/**
 * The f64 HF holds for `x` written to tokenizer.json. tokenizer.json files are written with the
 * shortest round-trip digits (serde_json / ryu, Python's repr): those are the digits of String(x).
 * ryu writes 1e-5 <= |x| < 1e16 as a plain decimal (integers get ".0"), others as d.ddde±k.
 */
export function serdeF64(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(x)))!;
  const int = m[1]!, frac = m[2] ?? '', e10 = Number(m[3] ?? 0);
  // shortest digits without leading / trailing zeros, value = 0.digits * 10^point
  let digits = (int + frac).replace(/^0+/, '');
  const lead = (int + frac).length - digits.length;
  const point = int.length + e10 - lead;
  digits = digits.replace(/0+$/, '');
  if (point >= -4 && point <= 16) {
    // plain decimal: integer digits, then ".0" or the fraction digits
    if (point >= digits.length) return serdeFromParts(x < 0, digits + '0'.repeat(point - digits.length) + '0', -1);
    return serdeFromParts(x < 0, digits, point - digits.length);
  }
  return serdeFromParts(x < 0, digits, point - digits.length);
}
