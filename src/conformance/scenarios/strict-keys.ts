/**
 * What every `auth-wrong` scenario asks first: will this server refuse a key it does not know?
 * Live, yes. On an emulator, only with strict keys on (a default `serve` accepts any key: each key
 * is its own tenant, by design, like stripe-mock). Where that cannot be known (a provider moved with
 * `--base-url` to a server without a control plane), the scenario is skipped too: a refusal cannot
 * be expected from a server that may rightly accept the key, and a drift report would be false.
 * The same rule for all four providers.
 */
import type { ProviderName } from "../providers.js";
import type { ScenarioContext } from "../scenario.js";

/** Skips the scenario unless the target refuses unknown keys. */
export async function requireStrictKeys(ctx: ScenarioContext<ProviderName>): Promise<void> {
  if (ctx.target.kind === "live") return;
  if (!ctx.control)
    ctx.skip("no control plane for this provider, so whether it refuses unknown keys cannot be known");
  if (!(await ctx.control.strictKeys()))
    ctx.skip("this emulator accepts any key (strictKeys is off), so a wrong key cannot be refused");
}
