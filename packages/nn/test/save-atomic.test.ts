/**
 * savePretrained as one step: arguments checked before anything is written, new files staged under
 * temporary names and renamed together, so a failed or killed (`kill -9`) save leaves the previous
 * model loadable, and the next save removes what the killed one left.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { GPT2LMHeadModel, type PreTrainedModel } from '../src/index.js';
import { tinyGpt2 } from './suite/families.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dist = (p: string) => `${root}packages/${p}/dist/index.js`;
const tmp = mkdtempSync(join(tmpdir(), 'tessera-save-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const values = (m: PreTrainedModel) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]));

async function expectStillA(dir: string, a: PreTrainedModel): Promise<void> {
  const back = await GPT2LMHeadModel.fromPretrained(dir);
  expect(back.config.nLayer).toBe(2);
  expect(values(back)).toEqual(values(a));
  back.dispose();
}

it('a save refused for its arguments writes nothing: the folder keeps the previous model', async () => {
  const dir = join(tmp, 'a');
  const a = tinyGpt2();
  await a.savePretrained(dir);
  const b = tinyGpt2(undefined, { n_layer: 3 });
  await expect(b.savePretrained(dir, { maxShardSize: '5 gigs' })).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_/) });
  await expect(b.savePretrained(dir, { shard: 1 } as never)).rejects.toMatchObject({ code: 'ERR_ARGUMENT' });
  await expectStillA(dir, a);
  const file = join(tmp, 'a-file');
  writeFileSync(file, 'not a folder');
  await expect(a.savePretrained(file)).rejects.toMatchObject({ code: 'ERR_ARGUMENT', message: expect.stringMatching(/is a file, not a folder/) });
  a.dispose();
  b.dispose();
});

it('kill -9 during a save leaves the previous model loadable; the next save removes the leftovers', async () => {
  for (const p of ['core', 'backend-cpu', 'nn']) expect(existsSync(dist(p)), `${dist(p)} is missing: run \`npm run build\` first`).toBe(true);
  const dir = join(tmp, 'killed');
  const a = tinyGpt2();
  await a.savePretrained(dir);
  // The child saves a larger model (another config) into the same folder. Its fs.rename is held at
  // the first rename onto a final name: every new file is staged, none is in place, and the parent
  // kills it there — a fixed point in the save, not a moment in time.
  const script = `
    import { createRequire, syncBuiltinESMExports } from 'node:module';
    const fsp = createRequire(import.meta.url)('node:fs/promises');
    const rename = fsp.rename;
    fsp.rename = async (from, to) => {
      if (String(to).endsWith('.tmp')) return rename(from, to); // a staged file's own atomic write
      console.log('committing');
      await new Promise(() => {}); // held until killed
    };
    syncBuiltinESMExports();
    await import(${JSON.stringify(dist('backend-cpu'))});
    const { GPT2LMHeadModel, GPT2Config } = await import(${JSON.stringify(dist('nn'))});
    const big = new GPT2LMHeadModel(new GPT2Config({ vocab_size: 8000, n_positions: 64, n_embd: 256, n_layer: 4, n_head: 4 }));
    await big.savePretrained(${JSON.stringify(dir)});
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('committing')) resolve(); });
    child.on('exit', (c) => reject(new Error(`child exited with ${c} before its save reached the renames`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  const staged = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
  expect(staged().length).toBeGreaterThan(0); // killed with every new file staged
  await expectStillA(dir, a);
  await a.savePretrained(dir);
  expect(staged()).toEqual([]);
  await expectStillA(dir, a);
  a.dispose();
}, 60_000);
