/**
 * Single-precision GEMM C = A·B over Float32Arrays with arbitrary row / column strides.
 * GotoBLAS structure: B panels of KC×NC and A blocks of MC×KC are packed into one Float64Array
 * (no float->double conversion in the inner loop; one array = one map check per step, ≈5% faster
 * than two), then a 4×3 register tile runs over them (the shape V8 keeps best in registers:
 * measured 4×3 > 4×4 ≈ 3×4 > 2×6 here, ≈5 GFLOP/s on one core).
 *
 * `createGemm` must stay self-contained (no imports, no outer references): its source is shipped
 * to worker threads with Function.prototype.toString().
 */
export type GemmFn = (
  A: Float32Array, aOff: number, rsA: number, csA: number,
  B: Float32Array, bOff: number, rsB: number, csB: number,
  C: Float32Array, cOff: number, ldc: number,
  m: number, n: number, k: number,
) => void;

export function createGemm(): GemmFn {
  const MR = 4, NR = 3, KC = 256, MC = 64, NC = 1023;
  const BOFF = MC * KC; // packed A block at [0, BOFF), packed B panel after it
  const pk = new Float64Array(BOFF + KC * NC);
  const tile = new Float32Array(MR * NR);

  // 4×3 micro tile: C[co.., ldc] += pk[ao..] (4×kc A panel) · pk[bo..] (kc×3 B panel).
  // `|0` drops V8's overflow checks on the index arithmetic.
  function micro(p: Float64Array, ao: number, bo: number, kc: number, C: Float32Array, co: number, ldc: number): void {
    let c00 = 0, c01 = 0, c02 = 0, c10 = 0, c11 = 0, c12 = 0, c20 = 0, c21 = 0, c22 = 0, c30 = 0, c31 = 0, c32 = 0;
    const end = ao + kc * 4;
    while (ao < end) {
      const b0 = p[bo], b1 = p[(bo + 1) | 0], b2 = p[(bo + 2) | 0];
      let a = p[ao]; c00 += a * b0; c01 += a * b1; c02 += a * b2;
      a = p[(ao + 1) | 0]; c10 += a * b0; c11 += a * b1; c12 += a * b2;
      a = p[(ao + 2) | 0]; c20 += a * b0; c21 += a * b1; c22 += a * b2;
      a = p[(ao + 3) | 0]; c30 += a * b0; c31 += a * b1; c32 += a * b2;
      ao = (ao + 4) | 0; bo = (bo + 3) | 0;
    }
    C[co] += c00; C[co + 1] += c01; C[co + 2] += c02; co += ldc;
    C[co] += c10; C[co + 1] += c11; C[co + 2] += c12; co += ldc;
    C[co] += c20; C[co + 1] += c21; C[co + 2] += c22; co += ldc;
    C[co] += c30; C[co + 1] += c31; C[co + 2] += c32;
  }

  // pk[(ib*kc + p)*MR + ii] = A[i0 + ib*MR + ii, p0 + p], zero-padded past m.
  function packA(A: Float32Array, aOff: number, rsA: number, csA: number, mc: number, kc: number): void {
    let d = 0;
    for (let i = 0; i < mc; i += MR) {
      const rows = Math.min(MR, mc - i);
      for (let p = 0; p < kc; p++) {
        const src = aOff + i * rsA + p * csA;
        for (let ii = 0; ii < MR; ii++) pk[d++] = ii < rows ? A[src + ii * rsA] : 0;
      }
    }
  }

  // pk[BOFF + (jb*kc + p)*NR + jj] = B[p0 + p, j0 + jb*NR + jj], zero-padded past n.
  function packB(B: Float32Array, bOff: number, rsB: number, csB: number, kc: number, nc: number): void {
    let d = BOFF;
    for (let j = 0; j < nc; j += NR) {
      const cols = Math.min(NR, nc - j);
      for (let p = 0; p < kc; p++) {
        const src = bOff + p * rsB + j * csB;
        for (let jj = 0; jj < NR; jj++) pk[d++] = jj < cols ? B[src + jj * csB] : 0;
      }
    }
  }

  let acc = new Float64Array(0);

  // Thin shapes (fewer rows than the tile's 4 or columns than its 3: matrix-vector products) would
  // waste most of each tile on padding and pay a full pack of the big operand for one pass over
  // it: loop directly instead, accumulating in float64.
  function thin(A: Float32Array, aOff: number, rsA: number, csA: number, B: Float32Array, bOff: number, rsB: number, csB: number, C: Float32Array, cOff: number, ldc: number, m: number, n: number, k: number): void {
    if (csB === 1 && n >= 16) { // rows of B are contiguous: C[i, :] = Σ_p A[i, p]·B[p, :]
      if (acc.length < n) acc = new Float64Array(n);
      for (let i = 0; i < m; i++) {
        acc.fill(0, 0, n);
        for (let p = 0; p < k; p++) {
          const a = A[aOff + i * rsA + p * csA], row = bOff + p * rsB;
          for (let j = 0; j < n; j++) acc[j] += a * B[row + j];
        }
        for (let j = 0, c = cOff + i * ldc; j < n; j++) C[c + j] = acc[j];
      }
      return;
    }
    for (let i = 0; i < m; i++) { // dot products
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0, ai = aOff + i * rsA, bi = bOff + j * csB; p < k; p++, ai += csA, bi += rsB) s += A[ai] * B[bi];
        C[cOff + i * ldc + j] = s;
      }
    }
  }

  return function gemm(A, aOff, rsA, csA, B, bOff, rsB, csB, C, cOff, ldc, m, n, k) {
    if (m < MR || n < NR) return thin(A, aOff, rsA, csA, B, bOff, rsB, csB, C, cOff, ldc, m, n, k);
    for (let i = 0; i < m; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + n);
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = Math.min(KC, k - pc);
        packB(B, bOff + pc * rsB + jc * csB, rsB, csB, kc, nc);
        for (let ic = 0; ic < m; ic += MC) {
          const mc = Math.min(MC, m - ic);
          packA(A, aOff + ic * rsA + pc * csA, rsA, csA, mc, kc);
          for (let jr = 0; jr < nc; jr += NR) {
            const nr = Math.min(NR, nc - jr);
            const bo = BOFF + (jr / NR) * kc * NR;
            for (let ir = 0; ir < mc; ir += MR) {
              const mr = Math.min(MR, mc - ir);
              const ao = (ir / MR) * kc * MR;
              const co = cOff + (ic + ir) * ldc + jc + jr;
              if (mr === MR && nr === NR) {
                micro(pk, ao, bo, kc, C, co, ldc);
              } else {
                tile.fill(0);
                micro(pk, ao, bo, kc, tile, 0, NR);
                for (let ii = 0; ii < mr; ii++) for (let jj = 0; jj < nr; jj++) C[co + ii * ldc + jj] += tile[ii * NR + jj];
              }
            }
          }
        }
      }
    }
  };
}
