// Prints Tessera vs PyTorch: ratio = PyTorch time / Tessera time (>= 1 means Tessera is faster).
import { readFileSync } from 'node:fs';

const [tessera, torch] = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')));
const goal = (name) => (name.startsWith('attention') ? 0.7 : name.includes('[cublas]') ? 0.95 : 0.7);
const rows = [['case', 'tessera ms', 'pytorch ms', 'ratio', 'goal', '']];
for (const [name, ms] of Object.entries(tessera)) {
  const peer = torch[name.replace(/ \[(cublas|own)\]$/, '')];
  const ratio = peer ? peer / ms : NaN;
  const ok = Number.isNaN(ratio) ? '' : ratio >= goal(name) ? 'ok' : 'BELOW GOAL';
  rows.push([name, ms.toFixed(3), peer ? peer.toFixed(3) : '-', Number.isNaN(ratio) ? '-' : `${ratio.toFixed(2)}x`, `>=${goal(name)}x`, ok]);
}
const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((x, c) => (c === 0 ? x.padEnd(w[c]) : x.padStart(w[c]))).join('  '));
