/** Every scenario, by provider. A provider's list lands with (or after) its emulator. */
import type { Scenario } from "../scenario.js";
import { AITHRIVING_SCENARIOS } from "./aithriving/index.js";
import { AITUBO_SCENARIOS } from "./aitubo/index.js";
import { QOLABA_SCENARIOS } from "./qolaba/index.js";
import { TAMS_SCENARIOS } from "./tams/index.js";

/** All scenarios, in report order. */
export const ALL_SCENARIOS: readonly Scenario[] = [
  ...AITUBO_SCENARIOS,
  ...TAMS_SCENARIOS,
  ...AITHRIVING_SCENARIOS,
  ...QOLABA_SCENARIOS,
] as readonly Scenario[];
