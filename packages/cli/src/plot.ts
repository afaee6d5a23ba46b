/**
 * loss.svg: train and validation loss against the step, drawn by Vega-Lite (compiled to Vega and
 * rendered headless to SVG), written atomically.
 */
import { promises as fsp } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface LossPoint { step: number; loss: number; split: 'train' | 'validation' }

export function lossSpec(points: LossPoint[], title: string, baseline?: number): TopLevelSpec {
  const line = {
    mark: { type: 'line' as const, interpolate: 'monotone' as const },
    encoding: {
      x: { field: 'step', type: 'quantitative' as const, title: 'optimizer step' },
      y: { field: 'loss', type: 'quantitative' as const, title: 'cross-entropy loss (nats)', scale: { zero: false } },
      color: { field: 'split', type: 'nominal' as const, title: null, scale: { domain: ['train', 'validation'], range: ['#4c78a8', '#f58518'] } },
      strokeWidth: { condition: { test: "datum.split === 'validation'", value: 2.5 }, value: 1.2 },
    },
  };
  // the unigram baseline as a dashed rule: a model below it has learned from context
  const rule = baseline === undefined ? [] : [
    { data: { values: [{}] }, mark: { type: 'rule' as const, strokeDash: [6, 4], color: '#777' }, encoding: { y: { datum: baseline } } },
    {
      data: { values: [{}] },
      mark: { type: 'text' as const, align: 'right' as const, dy: -7, color: '#555' },
      encoding: { y: { datum: baseline }, x: { datum: Math.max(1, ...points.map((p) => p.step)) }, text: { value: `unigram baseline ${baseline.toFixed(2)}` } },
    },
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title, width: 640, height: 360, background: 'white',
    layer: [{ data: { values: points }, ...line }, ...rule],
  } as TopLevelSpec;
}

export async function lossSvg(points: LossPoint[], title = 'training loss', baseline?: number): Promise<string> {
  const view = new vega.View(vega.parse(compile(lossSpec(points, title, baseline)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function writeLossPlot(file: string, points: LossPoint[], title?: string, baseline?: number): Promise<void> {
  const svg = await lossSvg(points, title, baseline);
  const tmp = `${file}.tmp-${process.pid}`;
  await fsp.writeFile(tmp, svg);
  await fsp.rename(tmp, file);
}
