/**
 * Catalog and account endpoints: models, ControlNet types, transforms, the user profile.
 */
import { Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "../core/provider.js";
import { CONTROL_MODELS, filterModels, loadCatalog, unlistedModel } from "./catalog.js";
import {
  type AituboContext,
  fileDomain,
  optionalTenant,
  parseWith,
  requireTenant,
  tenantState,
} from "./context.js";
import { modelListSchema, withoutEmpty } from "./schemas.js";

/** The catalog routes. */
export function catalogRoutes(ctx: AituboContext): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();

  // [doc] lists Authorization, but [client] the Go SDK calls it without one: both work.
  app.get("/api/model/list", async (c) => {
    const q = parseWith(modelListSchema, withoutEmpty(c.req.query()));
    const tenant = optionalTenant(ctx, c);
    const { models } = await loadCatalog();
    const used = tenant ? tenantState(tenant).usedModels : new Set<string>();
    // Models a tenant used that the catalog lacks list among its `used` ones.
    const listed = new Set(models.map((m) => m.id));
    const unlistedUsed =
      q.type === "used" ? [...used].filter((id) => !listed.has(id)).map(unlistedModel) : [];
    const matching = filterModels([...models, ...unlistedUsed], q, used);
    const pageIndex = q.pageIndex ?? 1;
    const pageSize = q.pageSize ?? 20;
    const page = matching
      .slice((pageIndex - 1) * pageSize, pageIndex * pageSize)
      .map(({ type: _type, ...m }) => m);
    return c.json({ code: 0, data: { domain: fileDomain(c), total: matching.length, models: page } });
  });

  // [doc] no Authorization listed. The doc's own text sends clients to `/job/model/list` before
  // ControlNet, while its table names `/api/job/models`: both answer.
  const controlModels = (c: EmulatorContext) =>
    c.json({ code: 0, data: { domain: fileDomain(c), models: CONTROL_MODELS } });
  app.get("/api/job/models", controlModels);
  app.get("/api/job/model/list", controlModels);

  // [doc] no Authorization listed. `transform` is keyed by tag, each an array [doc].
  app.get("/api/transform/list", async (c) => {
    const { transforms, tags } = await loadCatalog();
    const byTag = Object.fromEntries(tags.map((t) => [t, transforms.filter((x) => x.tag === t)]));
    return c.json({ code: 0, data: { domain: fileDomain(c), tags, transform: byTag } });
  });

  app.get("/api/user/profile", (c) => {
    const tenant = requireTenant(ctx, c);
    const suffix = tenant.key.slice(-4);
    return c.json({
      code: 0,
      data: {
        name: `emulator-user-${suffix}`,
        email: `user-${suffix}@example.com`,
        avatar: "assets/avatar/default.png",
        phone: "",
        // [doc] integer; [client] Go decodes it as int.
        credit: Math.floor(tenant.ledger.balance()),
        displayNSFW: false,
        discord: false,
      },
    });
  });

  return app;
}
