/**
 * Workflows and templates: `POST /v1/jobs/workflow`, `POST /v1/jobs/workflow/params/check`,
 * `POST /v1/jobs/workflow/template`, `GET /v1/workflows/{templateId}`,
 * `POST /v1/workflows/template/check`.
 *
 * @see ../shared/providers/docs/tensorart-tams.txt "workflow", "Workflow Template"
 */
import { Hono } from "hono";
import type { z } from "zod";
import type { TamsTemplate } from "../../credits/index.js";
import { compact, show } from "../../credits/protojson.js";
import { renderPlaceholder } from "../core/images.js";
import { sizeBound } from "../core/promised-size.js";
import { directivesOf, type EmulatorContext, type EmulatorEnv } from "../core/provider.js";
import type { Tenant } from "../core/tenants.js";
import { loadCatalog } from "./catalog.js";
import { workflowCredits } from "./credits.js";
import { argumentError, notFound, TAMS_MESSAGES, TamsError, workflowError } from "./errors.js";
import { parseBody, tenantOf } from "./http.js";
import { createJob, jobResponse, nodeWindow, type TamsJobData, type TamsOutput } from "./jobs.js";
import {
  checkTemplateSchema,
  checkWorkflowSchema,
  createTemplateJobSchema,
  createWorkflowJobSchema,
  type templateFieldsSchema,
  type WorkflowParams,
} from "./schemas.js";
import type { TamsState } from "./state.js";
import { INPUT_OPTIONS, validateWorkflow, type WorkflowPlan } from "./workflow.js";

type Fields = z.output<typeof templateFieldsSchema>;

/**
 * A template's `fieldAttrs` as `GET /v1/workflows/{id}` answers them: the doc's `nodeId`,
 * `fieldName`, `fieldValue` [doc], plus `nodeName`, the node's class type (TensorArt's ComfyUI node
 * reads it, e.g. `LoadImage`, to offer an image upload), and `inputString` where the input takes
 * one of a list of values [public client].
 */
export function templateFieldAttrs(t: Pick<TamsTemplate, "fields" | "params">) {
  return t.fields.map((f) => {
    const node = t.params[f.nodeId];
    const nodeName = node?.classType ?? node?.class_type;
    const options = nodeName === undefined ? undefined : INPUT_OPTIONS[nodeName]?.[f.fieldName];
    return compact({
      nodeId: f.nodeId,
      fieldName: f.fieldName,
      fieldValue: f.fieldValue,
      nodeName,
      inputString: options ? JSON.stringify(options) : undefined,
    });
  });
}

/** The routes. */
export function workflowRoutes(state: TamsState): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  const { ctx } = state;

  const plan = (tenant: Tenant, params: WorkflowParams): WorkflowPlan => {
    const result = validateWorkflow(params, {
      resolveResource: (id) => state.resources.resolve(tenant.key, id),
    });
    if (!result.ok) throw workflowError(result.problems);
    return result.plan;
  };

  const template = async (templateId: string): Promise<TamsTemplate> => {
    const { templates } = await loadCatalog();
    // Own keys only: a template id of "constructor" names no template.
    const t = Object.hasOwn(templates, templateId) ? templates[templateId] : undefined;
    if (!t) throw notFound(`workflow template ${templateId} not found`);
    return t;
  };

  /** Writes `fields` into the template's graph, as the doc describes, with its exact errors. */
  const fill = (t: TamsTemplate, fields: Fields): WorkflowParams => {
    const given = new Map<string, { value: unknown; index: number }>();
    fields.fieldAttrs.forEach((a, index) => {
      const key = `${a.nodeId}:${a.fieldName}`;
      if (!t.fields.some((f) => `${f.nodeId}:${f.fieldName}` === key))
        throw argumentError(
          `fields.fieldAttrs[${index}]`,
          `${key} is not a field of template ${t.templateId}; its fields are ${t.fields.map((f) => `${f.nodeId}:${f.fieldName}`).join(", ")}`,
        );
      given.set(key, { value: a.fieldValue, index });
    });
    for (const f of t.fields) {
      // [doc] code 2, word for word.
      if (!given.has(`${f.nodeId}:${f.fieldName}`))
        throw new TamsError("UNKNOWN", TAMS_MESSAGES.missingTemplateField(f.nodeId, f.fieldName));
    }
    const graph: WorkflowParams = {};
    for (const [id, node] of Object.entries(t.params)) {
      graph[id] = {
        classType: node.classType ?? node.class_type ?? "",
        inputs: structuredClone(node.inputs ?? {}),
      };
    }
    for (const [key, { value, index }] of given) {
      const [nodeId, fieldName] = key.split(":") as [string, string];
      const inputs = graph[nodeId]!.inputs!;
      if (value === undefined) delete inputs[fieldName];
      else if (typeof value === "object")
        throw argumentError(
          `fields.fieldAttrs[${index}].fieldValue`,
          `must be a string or a number, got ${show(value)}`,
        );
      else inputs[fieldName] = value;
    }
    return graph;
  };

  const create = async (
    c: EmulatorContext,
    tenant: Tenant,
    body: { requestId: string; runningNotifyUrl?: string | undefined },
    graph: WorkflowParams,
    p: WorkflowPlan,
    credits: number,
  ) => {
    if (body.runningNotifyUrl) state.webhooks.check(body.runningNotifyUrl, "runningNotifyUrl");
    const requests = state.tenantState(tenant).requests;
    const existing = requests.get(body.requestId);
    const known = existing === undefined ? undefined : ctx.jobs.get<TamsJobData>(ctx.name, existing);
    if (known) return c.json(await jobResponse(state, known, c.get("providerBase")));
    const n = Math.max(1, p.nodes.length);
    const job = createJob(state, {
      tenant,
      kind: "workflow",
      requestId: body.requestId,
      credits,
      runningMs: Math.min(120_000, Math.max(1000, p.work * 400 + n * 200)),
      directives: directivesOf(c),
      base: c.get("providerBase"),
      ...(body.runningNotifyUrl ? { notifyUrl: body.runningNotifyUrl } : {}),
      outputs: (jobId, { startAt, endAt }) =>
        p.nodes.flatMap((node, k) =>
          node.images.map(
            (img, i): TamsOutput => ({
              id: state.uuid(),
              kind: "image",
              width: img.width,
              height: img.height,
              format: "png",
              readyAt: Math.round(nodeWindow({ runningMs: endAt - startAt }, startAt, k, n).to),
              seed: img.seed,
              // Promised if a read names its FileSize first: see core/promised-size.ts.
              sizeBound: sizeBound(img.width, img.height, "png", (img.prompt.length + 256) * 3, !!img.source),
              render: async () =>
                renderPlaceholder({
                  width: img.width,
                  height: img.height,
                  format: "png",
                  seed: img.seed,
                  prompt: img.prompt,
                  jobId,
                  label: `TAMS workflow · node ${node.id}${img.model ? ` · ${img.model}` : ""}`,
                  params: { provider: "tams", node: node.id, classType: graph[node.id]?.classType, index: i },
                  ...(img.source && img.sourceWeight > 0
                    ? { source: await img.source.bytes(), sourceWeight: img.sourceWeight }
                    : {}),
                }),
            }),
          ),
        ),
      nodes: (outputs) => {
        let at = 0;
        return p.nodes.map((node) => {
          const ids = outputs.slice(at, at + node.images.length).map((o) => o.id);
          at += node.images.length;
          return { id: node.id, classType: node.classType, sampler: node.sampler, outputIds: ids };
        });
      },
    });
    requests.set(body.requestId, job.id);
    return c.json({ job: { id: job.id, status: "CREATED" } });
  };

  app.post("/v1/jobs/workflow", async (c) => {
    const tenant = tenantOf(c, state);
    const body = await parseBody(c, createWorkflowJobSchema);
    const p = plan(tenant, body.params);
    const credits = workflowCredits(body.params, await loadCatalog());
    return create(c, tenant, body, body.params, p, credits);
  });

  app.post("/v1/jobs/workflow/params/check", async (c) => {
    const tenant = tenantOf(c, state);
    const body = await parseBody(c, checkWorkflowSchema);
    plan(tenant, body.params);
    return c.json({ valid: true, credits: workflowCredits(body.params, await loadCatalog()) });
  });

  app.get("/v1/workflows/:templateId", async (c) => {
    tenantOf(c, state);
    const id = c.req.param("templateId");
    if (!/^\d{1,20}$/.test(id))
      throw argumentError("templateId", `must be a uint64, got ${JSON.stringify(id)}`);
    const t = await template(id);
    return c.json({
      templateId: t.templateId,
      name: t.name,
      fields: { fieldAttrs: templateFieldAttrs(t) },
    });
  });

  app.post("/v1/workflows/template/check", async (c) => {
    const tenant = tenantOf(c, state);
    const body = await parseBody(c, checkTemplateSchema);
    const graph = fill(await template(body.templateId), body.fields);
    plan(tenant, graph);
    return c.json({ valid: true, credits: workflowCredits(graph, await loadCatalog()) });
  });

  app.post("/v1/jobs/workflow/template", async (c) => {
    const tenant = tenantOf(c, state);
    const body = await parseBody(c, createTemplateJobSchema);
    const graph = fill(await template(body.templateId), body.fields);
    const p = plan(tenant, graph);
    return create(c, tenant, body, graph, p, workflowCredits(graph, await loadCatalog()));
  });

  return app;
}
