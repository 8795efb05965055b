/**
 * The providers' credit formulas as pure functions: each returns the total and an itemized
 * breakdown. No I/O; nothing here imports from `src/emulators/`.
 *
 * @example
 * import { estimate } from "./credits/index.js";
 * estimate("aitubo", { prompt: "A cat sleeps on the plane" }).total // 40
 */
export * from "./aithriving.js";
export * from "./aitubo.js";
export { fromHundredths, numberToHundredths, type Ratio, sumCredits } from "./decimal.js";
export * from "./errors.js";
export * from "./estimate.js";
export * from "./qolaba.js";
export * from "./tams.js";
export * from "./tams-formulas.js";
export * from "./tams-workflow.js";
export type * from "./types.js";
