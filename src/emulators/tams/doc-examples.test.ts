/**
 * Every JSON example in the TAMS doc, run verbatim (fixtures/tams/*.json), with its expected outcome.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { estimateTamsStages } from "../../credits/index.js";
import { imageInfo } from "../core/images.js";
import { loadCatalog } from "./catalog.js";
import { balanceOf, call, finishAll, tamsServer } from "./test-kit.js";

const DIR = new URL("../../../fixtures/tams/", import.meta.url);

interface Fixture {
  doc: string;
  endpoint: string;
  // biome-ignore lint/suspicious/noExplicitAny: fixtures are free-form JSON
  request?: any;
  // biome-ignore lint/suspicious/noExplicitAny: fixtures are free-form JSON
  response?: any;
  // biome-ignore lint/suspicious/noExplicitAny: fixtures are free-form JSON
  fragment?: any;
  // biome-ignore lint/suspicious/noExplicitAny: fixtures are free-form JSON
  expected: any;
}

const fixtures: [string, Fixture][] = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => [f.replace(/\.json$/, ""), JSON.parse(readFileSync(new URL(f, DIR), "utf8")) as Fixture]);

const server = tamsServer();
afterAll(() => server.close());

const byName = (name: string) => fixtures.find(([n]) => n === name)![1];
const baseModelOf = async () => {
  const catalog = await loadCatalog();
  return (id: string) => catalog.models.get(id)?.baseModel;
};

it("has a fixture for each JSON example of the doc (30)", () => {
  expect(fixtures).toHaveLength(30);
});

describe.each(
  fixtures.filter(
    ([n, f]) =>
      !n.startsWith("schema-") && (f.endpoint === "POST /v1/jobs" || f.endpoint.endsWith("fragment")),
  ),
)("stage example %s", (name, fx) => {
  it(`answers ${fx.expected.status}${fx.expected.images ? `, then ${fx.expected.images} image(s) of ${fx.expected.width}×${fx.expected.height}` : ""}`, async () => {
    const key = `doc-${name}`;
    if (fx.fragment) expect(JSON.stringify(fx.request)).toContain(JSON.stringify(fx.fragment).slice(1, -1));
    const before = await balanceOf(server, key).catch(() => undefined);
    const created = await call(server, "POST", "/v1/jobs", key, fx.request);
    expect(created.status).toBe(fx.expected.status);
    if (fx.expected.status !== 200) {
      expect(created.body.code).toBe(fx.expected.code);
      expect(created.body.details[0].field).toBe(fx.expected.field);
      expect(created.body.message).toContain(fx.expected.field);
      // Nothing left behind: no charge.
      expect(await balanceOf(server, key)).toBe(before ?? server.settings.startCredit);
      return;
    }
    expect(created.body).toEqual({
      job: { id: expect.stringMatching(/^\d+$/), status: fx.expected.createStatus },
    });
    const estimate = estimateTamsStages(fx.request.stages, { baseModelOf: await baseModelOf() }).total;
    const quoted = await call(server, "POST", "/v1/jobs/credits", key, { stages: fx.request.stages });
    expect(quoted.body).toEqual({ credits: estimate });
    finishAll(server);
    const done = await call(server, "GET", `/v1/jobs/${created.body.job.id}`, key);
    expect(done.body.job.status).toBe(fx.expected.final);
    expect(done.body.job.credits).toBe(estimate);
    const images = done.body.job.successInfo.images;
    expect(images).toHaveLength(fx.expected.images);
    for (const img of images) {
      expect(img.meta.image).toEqual({
        format: fx.expected.format,
        width: fx.expected.width,
        height: fx.expected.height,
      });
      expect(img.expiredIn).toMatch(/^\d+$/);
    }
    const url = new URL(images[0].url);
    const file = await server.fetch(url.pathname + url.search);
    expect(file.status).toBe(200);
    const info = await imageInfo(Buffer.from(await file.arrayBuffer()));
    expect([info.format, info.width, info.height]).toEqual([
      fx.expected.format,
      fx.expected.width,
      fx.expected.height,
    ]);
  });
});

describe("template examples", () => {
  it("GET /v1/workflows/676018193025756628 answers the doc's response, each field with its nodeName besides", async () => {
    const res = await call(server, "GET", "/v1/workflows/676018193025756628", "doc-template");
    expect(res.status).toBe(200);
    // The doc's fields, each with its node's class type besides (nodeName [public client]).
    const doc = byName("template-get").response as { fields: { fieldAttrs: object[] } };
    expect(res.body).toEqual({
      ...doc,
      fields: { fieldAttrs: doc.fields.fieldAttrs.map((a) => ({ ...a, nodeName: expect.any(String) })) },
    });
  });

  it.each([
    "template-check-missing-field",
    "template-check-null-field",
    "template-check-ok",
  ])("%s answers the doc's response, each field with its nodeName besides", async (name) => {
    const fx = byName(name);
    const res = await call(server, "POST", "/v1/workflows/template/check", "doc-template", fx.request);
    expect(res.status).toBe(fx.expected.status);
    expect(res.body).toEqual(fx.expected.body);
  });

  it("template-job-create answers {job:{id, status: CREATED}} and the job finishes with an image", async () => {
    const fx = byName("template-job-create");
    const res = await call(server, "POST", "/v1/jobs/workflow/template", "doc-template-job", fx.request);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.job)).toEqual(Object.keys(fx.expected.responseShape.job));
    expect(res.body.job.status).toBe("CREATED");
    finishAll(server);
    const done = await call(server, "GET", `/v1/jobs/${res.body.job.id}`, "doc-template-job");
    expect(done.body.job.status).toBe("SUCCESS");
    expect(done.body.job.credits).toBe(1);
    expect(done.body.job.successInfo.images).toHaveLength(1);
  });
});

describe("workflow examples", () => {
  it("workflow-create runs: CREATED, credits 2.4 as the doc's result shows, SaveImage 9 writes 1024×1536 PNG", async () => {
    const fx = byName("workflow-create");
    const key = "doc-workflow";
    const res = await call(server, "POST", "/v1/jobs/workflow", key, fx.request);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.job)).toEqual(Object.keys(fx.expected.responseShape.job));
    expect(await balanceOf(server, key)).toBe(server.settings.startCredit - fx.expected.credits);
    finishAll(server);
    const done = await call(server, "GET", `/v1/jobs/${res.body.job.id}`, key);
    expect(done.body.job.credits).toBe(fx.expected.credits);
    const node = done.body.job.successInfo.workflowFinishItem.nodes[fx.expected.saveImageNode];
    expect(node.status).toBe("SUCCESS");
    const out = node.outputUi.images[0];
    expect([out.width, out.height, out.format, out.type]).toEqual([
      fx.expected.width,
      fx.expected.height,
      "png",
      "output",
    ]);
    expect(out.imageResourceId).toBe(done.body.job.successInfo.images[0].id);
  });

  it("a running workflow's nodes have the doc's shape (workflow-result)", async () => {
    const doc = byName("workflow-result").response.job;
    const key = "doc-workflow-running";
    const res = await call(server, "POST", "/v1/jobs/workflow", key, byName("workflow-create").request);
    // Run to just before the end: the nodes before SaveImage are done, the last one is running.
    const created = server.clock.now();
    let running: { body: { job: Record<string, unknown> } } | undefined;
    for (let t = 0; t < 600_000; t += 250) {
      server.clock.advance(250);
      const r = await call(server, "GET", `/v1/jobs/${res.body.job.id}`, key);
      if (r.body.job.status === "RUNNING") running = r;
      else if (running) break;
    }
    expect(server.clock.now()).toBeGreaterThan(created);
    const item = (running!.body.job.runningInfo as { workflowFinishItem: { nodes: Record<string, object> } })
      .workflowFinishItem;
    expect(Object.keys(running!.body.job).sort()).toEqual(Object.keys(doc).sort());
    const docKeys = new Set(
      Object.values(doc.runningInfo.workflowFinishItem.nodes).flatMap((n) => Object.keys(n as object)),
    );
    for (const n of Object.values(item.nodes)) for (const k of Object.keys(n)) expect(docKeys).toContain(k);
    expect(item.nodes["3"]).toMatchObject({ id: "3", status: "SUCCESS", process: 1 });
  });
});

describe.each(fixtures.filter(([n]) => n.startsWith("schema-")))("API reference example %s", (name, fx) => {
  it(`answers ${fx.expected.status} code ${fx.expected.code}${fx.expected.field ? ` naming ${fx.expected.field}` : ""}, and nothing is charged`, async () => {
    const key = `doc-${name}`;
    const [method, path] = fx.endpoint.split(" ") as [string, string];
    const res = await call(server, method, path, key, fx.request);
    expect(res.status).toBe(fx.expected.status);
    expect(res.body.code).toBe(fx.expected.code);
    expect(typeof res.body.message).toBe("string");
    if (fx.expected.field) expect(res.body.details[0].field).toBe(fx.expected.field);
    expect(await balanceOf(server, key)).toBe(server.settings.startCredit);
  });
});
