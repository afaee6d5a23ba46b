/**
 * loss.svg: train and validation loss against the step, drawn by Vega-Lite (compiled to Vega and
 * rendered headless to SVG), written atomically.
 */
import { promises as fsp } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface LossPoint { step: number; loss: number; split: 'train' | 'validation' }

export function lossSpec(points: LossPoint[], title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title, width: 640, height: 360, background: 'white',
    data: { values: points },
    mark: { type: 'line', interpolate: 'monotone' },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'optimizer step' },
      y: { field: 'loss', type: 'quantitative', title: 'cross-entropy loss (nats)', scale: { zero: false } },
      color: { field: 'split', type: 'nominal', title: null, scale: { domain: ['train', 'validation'], range: ['#4c78a8', '#f58518'] } },
      strokeWidth: { condition: { test: "datum.split === 'validation'", value: 2.5 }, value: 1.2 },
    },
  };
}

export async function lossSvg(points: LossPoint[], title = 'training loss'): Promise<string> {
  const view = new vega.View(vega.parse(compile(lossSpec(points, title)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function writeLossPlot(file: string, points: LossPoint[], title?: string): Promise<void> {
  const svg = await lossSvg(points, title);
  const tmp = `${file}.tmp-${process.pid}`;
  await fsp.writeFile(tmp, svg);
  await fsp.rename(tmp, file);
}
