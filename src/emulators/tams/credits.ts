/**
 * The bridge to `src/credits`: TAMS prices through the credits module only (no formula here),
 * with the emulator's model catalog for MODEL_FACTOR, and the module's input errors turned into
 * TAMS's argument error naming the same field.
 */
import {
  type CreditEstimate,
  estimateTamsStages,
  estimateTamsWorkflow,
  isCreditsInputError,
} from "../../credits/index.js";
import type { TamsCatalog } from "./catalog.js";
import { argumentError } from "./errors.js";

const options = (catalog: TamsCatalog) => ({
  baseModelOf: (id: string) => catalog.models.get(id)?.baseModel,
});

function priced(run: () => CreditEstimate): number {
  try {
    return run().total;
  } catch (err) {
    if (isCreditsInputError(err)) throw argumentError(err.field, err.detail);
    throw err;
  }
}

/** Credits of a stage list, as `POST /v1/jobs/credits` and the job's `credits`. */
export function stageCredits(rawStages: unknown, catalog: TamsCatalog): number {
  return priced(() => estimateTamsStages(rawStages, options(catalog)));
}

/** Credits of a workflow graph. */
export function workflowCredits(params: unknown, catalog: TamsCatalog): number {
  return priced(() => estimateTamsWorkflow(params, options(catalog)));
}
