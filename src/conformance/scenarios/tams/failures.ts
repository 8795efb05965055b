/** Cancel, a failing job, not enough credit, auth, an unknown job, and each documented request error. */
import type { TamsClient } from "../../clients/tams.js";
import type { ApiResponse } from "../../http.js";
import { defineScenario, type Scenario } from "../../scenario.js";
import { tamsCancelSchema } from "../../schemas/tams.js";
import { requireStrictKeys } from "../strict-keys.js";
import { checkCreated, expectRefused, requestId, stagesCost, txt2imgStages, waitForJob } from "./helpers.js";

const cancel = defineScenario({
  name: "cancel",
  provider: "tams",
  description:
    "DELETE /v1/jobs/{id} on a running job → {jobId}; the job ends CANCELED through legal statuses",
  live: {
    status: "emulatorOnly",
    reason: "a live job may finish before the cancel arrives; the emulator holds it (emu:hang)",
  },
  cost: () => 0,
  async run(ctx) {
    ctx.requireControl();
    const id = checkCreated(
      ctx,
      await ctx.client.createJob({ requestId: requestId(), stages: txt2imgStages("1girl emu:hang") }),
    );
    const res = await ctx.client.cancelJob(id);
    ctx.check("cancel", tamsCancelSchema, res);
    const job = await waitForJob(ctx, id);
    ctx.expect(job.status === "CANCELED", {
      path: "poll: job.status",
      expected: "CANCELED",
      actual: job.status,
      message: "a canceled job did not end CANCELED",
    });
  },
});

const jobFails = defineScenario({
  name: "job-fails",
  provider: "tams",
  description: "a job made to fail (emu:fail) ends FAILED with failedInfo.reason",
  live: { status: "emulatorOnly", reason: "a live job cannot be made to fail on purpose" },
  cost: () => 0,
  async run(ctx) {
    ctx.requireControl();
    const id = checkCreated(
      ctx,
      await ctx.client.createJob({ requestId: requestId(), stages: txt2imgStages("1girl emu:fail") }),
    );
    const job = await waitForJob(ctx, id);
    ctx.expect(job.status === "FAILED" && typeof job.failedInfo?.reason === "string", {
      path: "poll: job.failedInfo",
      expected: "FAILED with a reason",
      actual: `${job.status} ${JSON.stringify(job.failedInfo)}`,
      message: "a failing job did not report why",
    });
  },
});

const insufficientCredit = defineScenario({
  name: "insufficient-credit",
  provider: "tams",
  description: "a job costing more than the balance is refused (google.rpc.Status, 4xx) and charges nothing",
  live: { status: "emulatorOnly", reason: "needs a balance below one job's price" },
  cost: () => 0,
  async run(ctx) {
    await ctx.requireControl().setBalance(ctx.key, stagesCost(txt2imgStages()) / 2);
    // TAMS publishes no credit error: only "a client error in its Status shape, nothing charged" is asserted.
    await expectRefused(
      ctx,
      "create",
      () => ctx.client.createJob({ requestId: requestId(), stages: txt2imgStages() }),
      { http: "4xx" },
    );
  },
});

const authMissing = defineScenario({
  name: "auth-missing",
  provider: "tams",
  description: "POST /v1/jobs without Authorization → 401 [doc]",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    await expectRefused(
      ctx,
      "create",
      () => ctx.clientWithKey(undefined).createJob({ requestId: requestId(), stages: txt2imgStages() }),
      { http: 401 },
    );
  },
});

const authWrong = defineScenario({
  name: "auth-wrong",
  provider: "tams",
  description: "POST /v1/jobs with an unknown token → 401 [doc]",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    await requireStrictKeys(ctx);
    await expectRefused(
      ctx,
      "create",
      () =>
        ctx.clientWithKey(`wrong-${ctx.key}`).createJob({ requestId: requestId(), stages: txt2imgStages() }),
      {
        http: 401,
      },
    );
  },
});

const jobNotFound = defineScenario({
  name: "job-not-found",
  provider: "tams",
  description: "GET /v1/jobs/{id} for a job that does not exist → 404 [doc]",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    await expectRefused(ctx, "get", () => ctx.client.getJob("1"), { http: 404 });
  },
});

/** "400 parameter error" [doc]: each missing or malformed required field. */
const CASES: { name: string; rule: string; send: (c: TamsClient) => Promise<ApiResponse> }[] = [
  {
    name: "stages-missing",
    rule: "stages: required",
    send: (c) => c.createJob({ requestId: requestId() } as never),
  },
  {
    name: "request-id-missing",
    rule: "requestId: required",
    send: (c) => c.createJob({ stages: txt2imgStages() } as never),
  },
  {
    name: "stage-type-unknown",
    rule: "stages[].type: one of the documented stage types",
    send: (c) => c.createJob({ requestId: requestId(), stages: [{ type: "NOT_A_STAGE" }] }),
  },
  {
    name: "credits-stages-missing",
    rule: "POST /v1/jobs/credits stages: required",
    send: (c) => c.estimateCredits({} as never),
  },
  {
    name: "detect-module-missing",
    rule: "controlnetModule: required",
    send: (c) => c.controlnetDetect({ resourceId: "f204c24a-52dc-4cf4-930a-9b8f73969414" }),
  },
  { name: "img2prompt-resource-missing", rule: "resourceId: required", send: (c) => c.img2prompt({}) },
];

const validation = CASES.map((c) =>
  defineScenario({
    name: `validation-${c.name}`,
    provider: "tams",
    description: `HTTP 400 google.rpc.Status: ${c.rule}`,
    live: { status: "unverified" },
    // Budgeted at what it would spend if the live API accepted the bad input (only a job without requestId could run).
    cost: () => (c.name === "request-id-missing" ? stagesCost(txt2imgStages()) : 0),
    async run(ctx) {
      await expectRefused(ctx, "request", () => c.send(ctx.client), { http: 400 });
    },
  }),
);

/** The failure scenarios. */
export const FAILURE_SCENARIOS: Scenario<"tams">[] = [
  cancel,
  jobFails,
  insufficientCredit,
  authMissing,
  authWrong,
  jobNotFound,
  ...validation,
];
