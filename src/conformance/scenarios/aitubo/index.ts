/** Aitubo's scenarios. Aitubo has no cancel endpoint, so it has no cancel scenario. */
import type { Scenario } from "../../scenario.js";
import account from "./account.js";
import { authMissing, authWrong } from "./auth.js";
import controlnet from "./controlnet.js";
import discoverModels from "./discover-models.js";
import imageToImage from "./image-to-image.js";
import insufficientCredit from "./insufficient-credit.js";
import jobFails from "./job-fails.js";
import segment from "./segment.js";
import textToImage from "./text-to-image.js";
import { headshot, transformList } from "./transforms.js";
import upscale from "./upscale.js";
import { validationScenarios } from "./validation.js";

/** Every Aitubo scenario, in report order. */
export const AITUBO_SCENARIOS: readonly Scenario<"aitubo">[] = [
  discoverModels,
  account,
  textToImage,
  imageToImage,
  controlnet,
  upscale,
  segment,
  transformList,
  headshot,
  jobFails,
  insufficientCredit,
  authMissing,
  authWrong,
  ...validationScenarios,
];
