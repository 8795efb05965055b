/**
 * AIThriving's scenarios. The API is synchronous (no job to poll or cancel) and has no ControlNet
 * and no model list; its post-processing endpoints are erase and inpaint.
 */
import type { Scenario } from "../../scenario.js";
import { FAILURE_SCENARIOS } from "./failures.js";
import { GENERATE_SCENARIOS } from "./generate.js";

/** Every AIThriving scenario, in report order. */
export const AITHRIVING_SCENARIOS: readonly Scenario<"aithriving">[] = [
  ...GENERATE_SCENARIOS,
  ...FAILURE_SCENARIOS,
];
