/**
 * A minimal provider used by the core's own tests: it knows nothing real, so core tests do not
 * depend on any provider folder. Not part of the build.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { fileResponse } from "./file-store.js";
import { renderPlaceholder } from "./images.js";
import { createTimeline, outcomeFrom } from "./job-engine.js";
import { directivesOf, type EmulatorEnv, type ProviderDefinition } from "./provider.js";

/** The test provider: `POST /jobs {prompt, credits}` makes a 1 s + 2 s job with one 64×64 PNG. */
export const testProvider: ProviderDefinition = {
  name: "test",
  title: "Test",
  liveBaseUrl: "https://example.invalid",
  docs: "none",
  identify: (c) => c.req.header("authorization")?.replace(/^Bearer\s+/i, "") || undefined,
  renderError: ({ status, message, kind }) => Response.json({ ok: false, kind, message }, { status }),
  create(ctx) {
    const app = new Hono<EmulatorEnv>();
    let seq = 0;
    app.post("/jobs", async (c) => {
      const key = c.get("tenantKey");
      const tenant = key ? ctx.tenants.resolve(key) : undefined;
      if (!tenant)
        throw new HTTPException(401, {
          res: Response.json({ ok: false, message: "bad key" }, { status: 401 }),
        });
      const body = (await c.req.json()) as { prompt: string; credits?: number };
      const charge = tenant.ledger.tryCharge(body.credits ?? 1, "job");
      if (!charge.ok) return c.json({ ok: false, message: "no credit" }, 402);
      const d = directivesOf(c);
      const id = `job${++seq}`;
      const timeline = createTimeline(
        ctx.clock.now(),
        {
          queuedMs: ctx.clock.duration(1000) * (d.slowFactor ?? 1),
          runningMs: ctx.clock.duration(2000) * (d.slowFactor ?? 1),
        },
        outcomeFrom(d),
      );
      ctx.jobs.add({ id, provider: "test", tenantKey: key!, timeline, data: { prompt: body.prompt } });
      ctx.files.putResult({
        provider: "test",
        path: `out/${id}.png`,
        tenantKey: key!,
        contentType: "image/png",
        createdAt: ctx.clock.now(),
        render: () =>
          renderPlaceholder({
            width: 64,
            height: 64,
            format: "png",
            seed: 1,
            prompt: body.prompt,
            jobId: id,
          }),
      });
      return c.json({ ok: true, id, balance: charge.balance });
    });
    app.get("/jobs/:id", (c) => {
      const job = ctx.jobs.get("test", c.req.param("id"));
      if (!job) return c.json({ ok: false }, 404);
      return c.json({ ok: true, ...ctx.jobs.view(job), nsfw: false });
    });
    app.get("/files/*", async (c) => {
      const res = fileResponse(await ctx.files.read("test", c.req.path.replace(/^.*?\/files\//, "")));
      return res ?? c.json({ ok: false, message: "missing" }, 404);
    });
    app.get("/boom", () => {
      throw new Error("a bug");
    });
    return { app };
  },
};
