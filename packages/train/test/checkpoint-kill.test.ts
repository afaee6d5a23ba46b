import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tessera/backend-cpu';
import { GPT2LMHeadModel } from '@tessera/nn';
import { latestCheckpoint, loadCheckpoint, configureOptimizers } from '../src/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const built = existsSync(join(here, '..', 'dist', 'index.js'));

describe('checkpoints survive kill -9', () => {
  it('a kill during a checkpoint write leaves the previous checkpoint loadable', async () => {
    if (!built) throw new Error('packages/train/dist is missing: run `npm run build` first (the child process uses the built package)');
    const out = mkdtempSync(join(tmpdir(), 'tessera-kill-'));
    const child = spawn(process.execPath, [join(here, 'checkpoint-child.mjs'), out], { cwd: join(here, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`child never reached the write: ${stdout} ${stderr}`)); }, 60_000);
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('writing')) { clearTimeout(timer); child.kill('SIGKILL'); resolve(); }
      });
      child.on('exit', () => { clearTimeout(timer); if (!stdout.includes('writing')) reject(new Error(`child exited early: ${stdout} ${stderr}`)); });
    });
    await new Promise((r) => child.once('exit', r));
    expect(stdout).toContain('saved 2');
    const names = readdirSync(out);
    expect(names).toContain('checkpoint-2');
    expect(names.some((n) => n.startsWith('.tmp-checkpoint-4'))).toBe(true); // the interrupted write
    expect(names).not.toContain('checkpoint-4');
    const dir = await latestCheckpoint(out);
    expect(dir).toBe(join(out, 'checkpoint-2'));
    const model = await GPT2LMHeadModel.fromPretrained(dir!);
    const state = await loadCheckpoint(dir!, model, configureOptimizers(model));
    expect(state.step).toBe(2);
  }, 90_000);
});
