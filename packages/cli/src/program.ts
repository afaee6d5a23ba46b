/** The `tessera` program: subcommands, and one place that turns every user error into one line and exit 2. */
import { Command, CommanderError } from 'commander';
import { TesseraError } from '@tessera/core';
import { evalCommand } from './commands/eval.js';
import { generateCommand } from './commands/generate.js';
import { planCommand } from './commands/plan.js';
import { tokenizeCommand, trainTokenizerCommand } from './commands/tokenize.js';
import { trainCommand } from './commands/train.js';
import { UsageError } from './errors.js';

export function program(): Command {
  const p = new Command('tessera')
    .description('Train, sample, evaluate and plan transformers in JavaScript (Tessera)')
    .version('0.1.0')
    .showSuggestionAfterError(true);
  for (const c of [trainCommand(), generateCommand(), evalCommand(), tokenizeCommand(), trainTokenizerCommand(), planCommand()]) p.addCommand(c);
  // Commander prints its own message and exits; we print one line and choose the exit code.
  const quiet = (c: Command) => {
    c.exitOverride().configureOutput({ writeErr: () => {}, outputError: () => {} });
    c.commands.forEach(quiet);
  };
  quiet(p);
  return p;
}

/** Run the CLI on `argv` (user arguments, without node and the script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      console.error(`tessera: ${e.message.replace(/^error: /, '')}`);
      return 2;
    }
    if (e instanceof UsageError) {
      console.error(`tessera: ${e.message}`);
      return 2;
    }
    if (e instanceof TesseraError) {
      console.error(`tessera: ${e.message} [${e.code}]`);
      return 1;
    }
    throw e;
  }
}
