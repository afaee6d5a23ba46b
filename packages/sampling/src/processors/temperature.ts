/** HF TemperatureLogitsWarper: scores / temperature (temperature > 0). */
import { LogitsProcessor } from '../processor.js';
import { num, options } from '../check.js';

export class TemperatureLogitsWarper extends LogitsProcessor {
  readonly temperature: number;
  constructor(o: { temperature: number }) {
    super();
    const w = 'TemperatureLogitsWarper';
    this.temperature = num(w, 'temperature', options<typeof o>(w, o, ['temperature']).temperature, 0, Infinity, { loOpen: true });
  }

  processRow(_ids: Int32Array, s: Float32Array): void {
    for (let i = 0; i < s.length; i++) s[i]! /= this.temperature;
  }
}
