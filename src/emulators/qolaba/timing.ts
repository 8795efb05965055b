/**
 * How long a Qolaba task takes, in emulated ms, by GPU [inferred: Qolaba publishes no timings;
 * the ratios follow the GPUs' usual SDXL throughput]. `inference_type` changes these and nothing
 * else. The clock decides how long that really is (nothing in instant mode).
 */
import type { InferenceType } from "./schemas.js";

/** Container start-up before the first step (`time_required.startup_time`). */
export const STARTUP_MS: Record<InferenceType, number> = { a10g: 2000, a100: 1500, h100: 1000 };

/** One denoising step of one 1024×1024 image. */
export const STEP_MS: Record<InferenceType, number> = { a10g: 120, a100: 60, h100: 35 };

/** Fixed work per task (loading the pipeline, uploading results). */
const OVERHEAD_MS = 500;

/** What shapes the run time. */
export interface WorkSize {
  gpu: InferenceType;
  steps: number;
  batch: number;
  width: number;
  height: number;
  /** ControlNet adds a preprocessor and a second network. */
  controlnet: boolean;
}

/** Start-up and run time of a task. */
export function taskDurations(w: WorkSize): { startupMs: number; runtimeMs: number } {
  const megapixels = (w.width * w.height) / (1024 * 1024);
  const factor = w.controlnet ? 1.3 : 1;
  return {
    startupMs: STARTUP_MS[w.gpu],
    runtimeMs: Math.round(OVERHEAD_MS + w.steps * w.batch * megapixels * STEP_MS[w.gpu] * factor),
  };
}

/** Celery's hard time limit in the backend's config: a hung task fails after this [backend]. */
export const TIME_LIMIT_MS = 3600 * 1000;
