/** `tessera plan`: memory per GPU, tokens and compute for a model size (see ../plan.ts). */
import { Command, InvalidArgumentError, Option } from 'commander';
import { formatPlan, planTraining, type PlanDType, type PlanOptimizer } from '../plan.js';
import { UsageError } from '../errors.js';
import { int } from '../options.js';

/** 1e9, 1.3e9, 7B, 125M, 1.4T. */
export function parseCount(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([KMBT]?)\s*$/i.exec(v);
  const mult: Record<string, number> = { '': 1, K: 1e3, M: 1e6, B: 1e9, T: 1e12 };
  const n = m ? Number(m[1]) * mult[m[2]!.toUpperCase()]! : NaN;
  if (!Number.isFinite(n) || n < 1) throw new InvalidArgumentError(`expected a count like 1e9, 7B or 125M, got '${v}'`);
  return Math.round(n);
}

interface PlanOptions { params: number; dtype: PlanDType; optimizer: PlanOptimizer; gpus: number; zero: string; tokens?: number; json?: boolean }

export function planCommand(): Command {
  return new Command('plan')
    .description('memory, data and compute of training a model of N parameters (the course notes\' arithmetic)')
    .requiredOption('--params <n>', 'parameters: 1e9, 7B, 125M', parseCount)
    .addOption(new Option('--dtype <dtype>', 'weight type').choices(['fp32', 'fp16', 'bf16', 'int8']).default('fp32'))
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['adamw', 'sgd']).default('adamw'))
    .option('--gpus <n>', 'data-parallel GPUs', int(1), 1)
    .addOption(new Option('--zero <stage>', 'ZeRO stage').choices(['0', '1', '2', '3']).default('0'))
    .option('--tokens <n>', 'training tokens (default: Chinchilla, 20 a parameter)', parseCount)
    .option('--json', 'print the plan as JSON')
    .action((o: PlanOptions) => {
      const zero = Number(o.zero) as 0 | 1 | 2 | 3;
      if (zero > 0 && o.dtype === 'int8') throw new UsageError('--zero shards training state; int8 weights are for inference: use --dtype fp32, fp16 or bf16');
      const r = planTraining({ params: o.params, dtype: o.dtype, optimizer: o.optimizer, gpus: o.gpus, zero, ...(o.tokens ? { tokens: o.tokens } : {}) });
      console.log(o.json ? JSON.stringify(r, null, 2) : formatPlan(r));
    });
}
