/** TensorArt TAMS's scenarios: stage jobs, tools, workflows and templates, failures. */
import type { Scenario } from "../../scenario.js";
import { FAILURE_SCENARIOS } from "./failures.js";
import { INTEGRATION_SCENARIOS } from "./integrations.js";
import { STAGE_SCENARIOS } from "./stages.js";
import { TOOL_SCENARIOS } from "./tools.js";
import { WORKFLOW_SCENARIOS } from "./workflows.js";

/** Every TAMS scenario, in report order. */
export const TAMS_SCENARIOS: readonly Scenario<"tams">[] = [
  ...TOOL_SCENARIOS,
  ...STAGE_SCENARIOS,
  ...WORKFLOW_SCENARIOS,
  ...INTEGRATION_SCENARIOS,
  ...FAILURE_SCENARIOS,
];
