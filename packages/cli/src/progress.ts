/**
 * Live progress: a cli-progress bar (loss, tokens/s, ETA) when stdout is a terminal, else plain
 * lines every `every` steps, so logs and CI stay readable.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(value: number, fields: Record<string, string>): void;
  /** A line above the bar (evaluations, checkpoints). */
  log(line: string): void;
  stop(): void;
}

const fmtTime = (s: number) => (!Number.isFinite(s) ? '?' : s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s` : `${Math.round(s)}s`);

export function progress(label: string, total: number, start = 0, opts: { tty?: boolean; every?: number; out?: NodeJS.WriteStream } = {}): Progress {
  const out = opts.out ?? process.stdout;
  const tty = opts.tty ?? Boolean(out.isTTY);
  if (tty) {
    const bar = new cliProgress.SingleBar({
      format: `${label} {bar} {value}/{total} | {fields} | ETA {eta_formatted}`,
      hideCursor: true, stream: out, etaBuffer: 20, fps: 5,
    }, cliProgress.Presets.shades_classic);
    bar.start(total, start, { fields: '' });
    return {
      update: (v, f) => bar.update(v, { fields: Object.entries(f).map(([k, x]) => `${k} ${x}`).join(' | ') }),
      log: (line) => { out.write('\r\x1b[2K'); out.write(`${line}\n`); bar.render(); },
      stop: () => bar.stop(),
    };
  }
  const every = opts.every ?? Math.max(1, Math.round(total / 20));
  const t0 = Date.now();
  let printed = -1;
  return {
    update: (v, f) => {
      if (v === printed || (v !== total && v % every !== 0)) return;
      printed = v;
      const rate = (v - start) / ((Date.now() - t0) / 1000);
      out.write(`${label} ${v}/${total} ${Object.entries(f).map(([k, x]) => `${k} ${x}`).join(' ')} eta ${fmtTime((total - v) / rate)}\n`);
    },
    log: (line) => { out.write(`${line}\n`); },
    stop: () => {},
  };
}
