/**
 * Qolaba's scenarios. Qolaba has no model list (its apps are ids in the docs: the ControlNet
 * scenarios are the discovery), no cancel, and no upscale endpoint in the documented set.
 */
import type { Scenario } from "../../scenario.js";
import { FAILURE_SCENARIOS } from "./failures.js";
import { GENERATE_SCENARIOS } from "./generate.js";
import getImageRefId from "./ref-id.js";

/** Every Qolaba scenario, in report order. */
export const QOLABA_SCENARIOS: readonly Scenario<"qolaba">[] = [
  ...GENERATE_SCENARIOS,
  getImageRefId,
  ...FAILURE_SCENARIOS,
];
