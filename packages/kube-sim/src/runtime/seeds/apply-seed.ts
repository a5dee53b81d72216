// Seeds name what a fresh sim contains: `demo` (a small realistic cluster) or `scale:<pods>`
// (many running pods for benchmarks).
import type { RuntimeStore } from '../runtime-store.js';
import { seedDemo } from './demo-seed.js';
import { seedScale } from './scale-seed.js';

export function applySeed(store: RuntimeStore, seed: string): void {
  if (seed === 'demo') return seedDemo(store);
  const m = /^scale:(\d+)$/.exec(seed);
  if (m) return seedScale(store, Number(m[1]));
  throw new Error(`unknown seed "${seed}": use demo, scale:<pods> or empty`);
}
