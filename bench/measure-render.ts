/**
 * Placeholder rendering, in process: the emulator's own renderPlaceholder against sharp doing the
 * least it can (encode a flat 512×512 PNG), which is the floor any placeholder pays.
 */
import { loadSharp, renderPlaceholder } from "../src/emulators/core/images.js";
import { median, percentile } from "./stats.js";

/** Render timings in milliseconds. */
export interface RenderResult {
  /** The very first render, including the lazy import of sharp. */
  coldMs: number;
  samples: number[];
  medianMs: number;
  p90Ms: number;
  /** sharp alone: a flat 512×512 PNG encode. */
  floorSamples: number[];
  floorMedianMs: number;
  pngBytes: number;
}

const spec = (i: number) => ({
  width: 512,
  height: 512,
  format: "png" as const,
  // A new seed and job id each time: every render is a real one, nothing can be reused.
  seed: i,
  prompt: "a lighthouse on a cliff at dusk, oil painting",
  jobId: `bench-${i}`,
});

/** Times `n` renders after `warmup` discarded ones. */
export async function measureRender(n: number, warmup: number): Promise<RenderResult> {
  let t = performance.now();
  const firstPng = await renderPlaceholder(spec(-1));
  const coldMs = performance.now() - t;
  for (let i = 0; i < warmup; i++) await renderPlaceholder(spec(1000 + i));
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    t = performance.now();
    await renderPlaceholder(spec(i));
    samples.push(performance.now() - t);
  }

  const sharp = await loadSharp();
  const flat = (i: number) =>
    sharp({ create: { width: 512, height: 512, channels: 3, background: { r: i % 256, g: 90, b: 160 } } })
      .png()
      .toBuffer();
  for (let i = 0; i < warmup; i++) await flat(i);
  const floorSamples: number[] = [];
  for (let i = 0; i < n; i++) {
    t = performance.now();
    await flat(i);
    floorSamples.push(performance.now() - t);
  }
  return {
    coldMs,
    samples,
    medianMs: median(samples),
    p90Ms: percentile(samples, 90),
    floorSamples,
    floorMedianMs: median(floorSamples),
    pngBytes: firstPng.length,
  };
}
