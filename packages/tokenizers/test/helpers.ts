import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
// @ts-expect-error plain .mjs helper shared with the benchmark
import { loadCorpus } from '../bench/corpus.mjs';

export const here = dirname(fileURLToPath(import.meta.url));
export const fixtures = join(here, 'fixtures');
export const nodeModules = join(here, '..', '..', '..', 'node_modules');

let cached: string[] | null = null;
/** The >= 5 MB corpus cut into ~4 KB chunks at line ends. */
export function corpusChunks(): string[] {
  if (cached) return cached;
  const { text } = loadCorpus() as { text: string };
  const chunks: string[] = [];
  for (let p = 0; p < text.length; ) {
    let e = text.indexOf('\n', p + 4096);
    e = e < 0 ? text.length : e + 1;
    chunks.push(text.slice(p, e));
    p = e;
  }
  return (cached = chunks);
}
export const mb = (chunks: string[]) => chunks.reduce((n, c) => n + Buffer.byteLength(c), 0) / 1e6;

export const EDGE_CASES = [
  '', ' ', '\ufeffHello world', '\ufeff\ufeff', 'emoji 😀👍🏽👨‍👩‍👧‍👦 done', '中文字符和日本語のテキスト', '한국어 텍스트',
  '12345678901234567890 3.14159 1,000,000', '   leading', 'trailing   ', 'a  \t\n\n  b', '\r\n\r\n', '\u00a0nbsp\u00a0 \u2003em',
  "I'm you're we've they'll he'd it's DON'T 'S 'Ve", 'x\u0085y', '\u200bzero\u200dwidth', 'ﬁ ligature Ｆｕｌｌ', 'é vs e\u0301',
  '<|endoftext|> special <|endoftext|>', 'A'.repeat(3000), '1'.repeat(500), ' '.repeat(300) + 'x', '!!!???...,,,', 'ÀÉÎÕÜ ñ ß ø',
  'مرحبا بالعالم', 'नमस्ते दुनिया', 'function f(x) { return x ** 2; } // comment', 'https://example.com/a?b=c&d=e#f',
  '\t\tindented\n\t\tcode', '𝐀𝐁𝐂 𝟏𝟐𝟑', 'Ⅻ ½ ² ³',
];
