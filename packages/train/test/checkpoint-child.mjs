// Child process of checkpoint-kill.test.ts: trains 2 steps and saves checkpoint-2, then starts
// writing checkpoint-4 and stops in the middle (after the model and optimizer files, before the
// rename), printing "writing" so the parent can kill -9 it there. Uses the built packages.
import '@tessera/backend-cpu';
import { manualSeed } from '@tessera/core';
import { GPT2Config, GPT2LMHeadModel } from '@tessera/nn';
import { Trainer, TokenArray, trainValSplit } from '@tessera/train';

const out = process.argv[2];
manualSeed(1);
const model = new GPT2LMHeadModel(GPT2Config.from({ vocabSize: 23, nPositions: 16, nEmbd: 16, nLayer: 1, nHead: 2 }));
const ids = Int32Array.from({ length: 2000 }, (_, i) => (i * 5) % 23);
const { train } = trainValSplit(new TokenArray(ids), 0.1);
let hang = false;
const t = new Trainer({
  model, trainData: train,
  args: { maxSteps: 4, batchSize: 2, blockSize: 8, saveInterval: 2, outputDir: out },
  saveExtra: async () => {
    if (!hang) return;
    console.log('writing');
    await new Promise(() => setInterval(() => {}, 1000)); // never resolves: killed here
  },
  callbacks: { onCheckpoint: ({ step }) => { console.log(`saved ${step}`); hang = true; } },
});
await t.train();
