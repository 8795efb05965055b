/**
 * What TAMS clients use besides Bearer stage jobs: requests signed with TAMS-SHA256-RSA, the STS
 * upload, webhooks (`notifyUrl`), VIDEO_DIFFUSION, and a workflow's progress while it runs.
 */
import { generateKeyPairSync } from "node:crypto";
import { estimateTamsStages } from "../../../credits/tams.js";
import { createTamsClient, rsaSigner } from "../../clients/tams.js";
import { defineScenario, type Scenario } from "../../scenario.js";
import {
  type TamsJob,
  tamsCancelSchema,
  tamsImg2PromptSchema,
  tamsJobSchema,
  tamsStsResourceSchema,
} from "../../schemas/tams.js";
import { startReceiver } from "../loopback-receiver.js";
import { sampleImage } from "../sample-image.js";
import {
  checkCreated,
  expectRefused,
  expectSucceeded,
  requestId,
  stagesCost,
  TAMS_MACHINE,
  type TamsCtx,
  txt2imgStages,
  waitForJob,
} from "./helpers.js";
import { WORKFLOW } from "./workflows.js";

const rsaSigned = defineScenario({
  name: "rsa-signed",
  provider: "tams",
  description:
    "requests signed with TAMS-SHA256-RSA (a generated 2048-bit key registered for the app) create and poll a job; another key's signature → 401",
  live: {
    status: "emulatorOnly",
    reason:
      "the key pair is generated for the run and registered through the control plane; live, an app's key is registered on TensorArt's console",
  },
  cost: () => 0,
  async run(ctx) {
    const control = ctx.requireControl();
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    // The app id is the tenant [doc]: this scenario's own key, already registered with a balance.
    await control.put(`tams/apps/${encodeURIComponent(ctx.key)}`, {
      publicKey: publicKey.export({ type: "spki", format: "pem" }),
    });
    const signed = createTamsClient({
      ...ctx.client.options,
      key: undefined,
      signer: rsaSigner(ctx.key, privateKey),
    });
    const stages = txt2imgStages();
    const id = checkCreated(ctx, await signed.createJob({ requestId: requestId(), stages }));
    const res = await ctx.poll({
      label: "poll",
      fetch: () => signed.getJob(id),
      schema: tamsJobSchema,
      statusPath: ["job", "status"],
      machine: TAMS_MACHINE,
    });
    await expectSucceeded(ctx, (res.body as TamsJob).job, {
      count: 1,
      width: 512,
      height: 512,
      estimate: estimateTamsStages(stages),
    });
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const forged = createTamsClient({
      ...ctx.client.options,
      key: undefined,
      signer: rsaSigner(ctx.key, other),
    });
    await expectRefused(ctx, "forged", () => forged.getJob(id), { http: 401 });
  },
});

const stsUpload = defineScenario({
  name: "sts-upload",
  provider: "tams",
  description:
    "POST /v1/resource/image/sts → OSS credentials (strings) → form POST to host → the resource is usable (img2prompt)",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    const { resource, post } = await ctx.client.uploadImageSts(await sampleImage(512, 512));
    if (!ctx.check("sts", tamsStsResourceSchema, resource)) return;
    if (!post) return ctx.abort("sts: no host to upload to");
    ctx.expect(post.status >= 200 && post.status < 300, {
      path: "sts: (form POST to host status)",
      expected: "2xx",
      actual: String(post.status),
      message: "the form upload to the STS host was refused",
    });
    const resourceId = (resource.body as { resourceId: string }).resourceId;
    const res = await ctx.client.img2prompt({ resourceId });
    ctx.check("img2prompt", tamsImg2PromptSchema, res);
  },
});

/** Waits (letting job time pass) until a delivery satisfies `done`, or gives up after `tries`. */
async function waitForDelivery<T>(
  ctx: TamsCtx,
  find: () => T | undefined,
  tries = 40,
): Promise<T | undefined> {
  for (let i = 0; i < tries; i++) {
    const found = find();
    if (found !== undefined) return found;
    await ctx.elapse(i < 5 ? 50 : 1000);
  }
  return find();
}

const webhook = defineScenario({
  name: "webhook",
  provider: "tams",
  description:
    "POST /v1/jobs with notifyUrl (a loopback receiver) → the job as GET /v1/jobs/{id} answers it is POSTed there on each status change, ending SUCCESS",
  live: {
    status: "emulatorOnly",
    reason: "the receiver listens on 127.0.0.1; a live run needs a public URL TensorArt can reach",
  },
  cost: () => 0,
  async run(ctx) {
    ctx.requireControl();
    const hook = await startReceiver();
    try {
      const created = await ctx.client.createJob({
        requestId: requestId(),
        stages: txt2imgStages(),
        notifyUrl: hook.url,
      });
      const id = checkCreated(ctx, created);
      const job = await waitForJob(ctx, id);
      const statusOf = (body: unknown) => (body as Partial<TamsJob> | undefined)?.job?.status;
      const final = await waitForDelivery(ctx, () =>
        hook.deliveries.find((d) => TAMS_MACHINE.terminal.includes(String(statusOf(d.body)))),
      );
      if (
        !ctx.expect(final !== undefined, {
          path: "webhook: (delivery)",
          expected: `a POST to notifyUrl with the job ${job.status}`,
          actual: `${hook.deliveries.length} deliveries (${hook.deliveries.map((d) => statusOf(d.body)).join(", ") || "none"})`,
          message: "the terminal status was not delivered",
        })
      )
        return;
      for (const [i, d] of hook.deliveries.entries())
        ctx.check(
          i === hook.deliveries.length - 1 ? "webhook" : `webhook-${i}`,
          tamsJobSchema,
          {
            method: "POST",
            path: "(notifyUrl)",
            status: 200,
            headers: new Headers(),
            body: d.body,
          },
          { snapshot: i === hook.deliveries.length - 1 },
        );
      const delivered = (final!.body as TamsJob).job;
      ctx.expect(delivered.id === id && delivered.status === job.status, {
        path: "webhook: job",
        expected: `job ${id} ${job.status} (as polled)`,
        actual: `job ${delivered.id} ${delivered.status}`,
        message: "the delivered job is not the polled one",
      });
    } finally {
      await hook.close();
    }
  },
});

/** The doc's VIDEO_DIFFUSION stage at a small spend: 8 frames, 320×192, the coefficient table's HUNYUANVIDEO. */
const VIDEO_STAGES = [
  {
    type: "VIDEO_DIFFUSION",
    videoDiffusion: {
      sdModel: "HUNYUANVIDEO",
      width: 320,
      height: 192,
      totalFrames: 8,
      prompts: [{ text: "waves on a beach" }],
    },
  },
];

const videoDiffusion = defineScenario({
  name: "video-diffusion",
  provider: "tams",
  description:
    "POST /v1/jobs with one VIDEO_DIFFUSION stage → SUCCESS with successInfo.videos[0] (webp, the asked size, animated); credits = formula",
  live: { status: "unverified" },
  cost: () => stagesCost(VIDEO_STAGES),
  async run(ctx) {
    const id = checkCreated(
      ctx,
      await ctx.client.createJob({ requestId: requestId(), stages: VIDEO_STAGES }),
    );
    const job = await waitForJob(ctx, id);
    ctx.expect(job.status === "SUCCESS", {
      path: "poll: job.status",
      expected: "SUCCESS",
      actual: `${job.status}${job.failedInfo?.reason ? ` (${job.failedInfo.reason})` : ""}`,
      message: "the video job did not succeed",
    });
    ctx.credits("poll: job.credits", job.credits, estimateTamsStages(VIDEO_STAGES));
    const videos = job.successInfo?.videos ?? [];
    ctx.expect(videos.length === 1, {
      check: "image",
      path: "poll: job.successInfo.videos",
      expected: "1 video",
      actual: String(videos.length),
      message: "video count differs from the request",
    });
    const video = videos[0];
    if (!video) return;
    const file = await ctx.client.download(video.url);
    const props = await ctx.image("poll: job.successInfo.videos[0]", file, {
      width: 320,
      height: 192,
      format: video.meta?.image?.format,
    });
    if (props) {
      const { default: sharp } = await import("sharp");
      const pages = (await sharp(file.bytes, { animated: true }).metadata()).pages ?? 1;
      ctx.expect(pages > 1, {
        check: "image",
        path: "poll: job.successInfo.videos[0] (frames)",
        expected: "more than one frame",
        actual: String(pages),
        message: "the video is a still image",
      });
    }
  },
});

/** The doc's workflow with the hold word in its prompt: the emulator keeps it RUNNING until canceled. */
const HELD_WORKFLOW = {
  ...WORKFLOW,
  "6": { classType: "CLIPTextEncode", inputs: { clip: ["4", 1], text: "a lighthouse emu:hang" } },
};

const workflowProgress = defineScenario({
  name: "workflow-progress",
  provider: "tams",
  description:
    "a workflow job while RUNNING reports runningInfo.workflowFinishItem (its nodes, samplers' process) in the documented shape; DELETE → CANCELED",
  live: {
    status: "emulatorOnly",
    reason: "a live job cannot be held in RUNNING long enough to be seen; the emulator holds it (emu:hang)",
  },
  cost: () => 0,
  async run(ctx) {
    ctx.requireControl();
    const id = checkCreated(
      ctx,
      await ctx.client.createWorkflowJob({ requestId: requestId(), params: HELD_WORKFLOW }),
    );
    let running: TamsJob["job"] | undefined;
    for (let i = 0; i < 40 && !running; i++) {
      const res = await ctx.client.getJob(id);
      if (!ctx.check("running", tamsJobSchema, res, { snapshot: false })) return;
      const job = (res.body as TamsJob).job;
      if (job.status === "RUNNING") running = job;
      else if (TAMS_MACHINE.terminal.includes(job.status))
        return ctx.abort(`the held workflow ended ${job.status} before it was seen RUNNING`);
      else await ctx.elapse(500);
    }
    if (!running) return ctx.abort("the workflow job never reached RUNNING");
    ctx.snapshot("running", { job: running });
    // [doc] "Get workflow result": a RUNNING job carries runningInfo.workflowFinishItem with a node
    // map (id, status; samplers a 0–1 `process`; finished nodes their outputUi).
    const item = running.runningInfo?.workflowFinishItem;
    const nodes = Object.values(item?.nodes ?? {});
    ctx.expect(
      nodes.length > 0 && nodes.every((n) => typeof n.id === "string" && typeof n.status === "string"),
      {
        path: "running: job.runningInfo.workflowFinishItem.nodes",
        expected: "the nodes run so far, each with id and status",
        actual: item === undefined ? "(no workflowFinishItem)" : JSON.stringify(item.nodes ?? null),
        message: "a running workflow reports no node progress",
      },
    );
    const processes = nodes.flatMap((n) => (n.process === undefined ? [] : [n.process]));
    ctx.expect(
      processes.every((p) => p >= 0 && p <= 1),
      {
        path: "running: job.runningInfo.workflowFinishItem.nodes[*].process",
        expected: "between 0 and 1",
        actual: processes.join(", "),
        message: "a node's progress is out of range",
      },
    );
    ctx.check("cancel", tamsCancelSchema, await ctx.client.cancelJob(id), { snapshot: false });
    const final = await waitForJob(ctx, id);
    ctx.expect(final.status === "CANCELED", {
      path: "poll: job.status",
      expected: "CANCELED",
      actual: final.status,
      message: "a canceled workflow did not end CANCELED",
    });
  },
});

/** The integration scenarios. */
export const INTEGRATION_SCENARIOS: Scenario<"tams">[] = [
  rsaSigned,
  stsUpload,
  webhook,
  videoDiffusion,
  workflowProgress,
];
