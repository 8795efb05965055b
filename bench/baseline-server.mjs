/**
 * The baseline: a bare Hono server on @hono/node-server, spawned exactly like the emulator so the
 * benchmark can divide by what the framework alone costs on this machine, in this run.
 *
 * Plain `.mjs` (not TypeScript) so it starts with no compile step, as the emulator's `dist/` does.
 * Usage: node bench/baseline-server.mjs --port N
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const portIndex = process.argv.indexOf("--port");
const port = portIndex > 0 ? Number(process.argv[portIndex + 1]) : 0;

// Shaped like the emulator's `GET /aitubo/api/job/get` answer for a finished one-image job (same
// keys, about the same size), built per request as the emulator builds its own, so the two JSON
// routes do comparable serialisation work and send comparable bytes.
const jobBody = (id) => ({
  code: 0,
  data: {
    id,
    args: {
      prompt: "x",
      negativePrompt: "lowres, bad anatomy, cropped, worst quality, low quality",
      strength: 0.8,
      width: 512,
      height: 512,
      count: 1,
      steps: 30,
      modelId: "642b977d2f2842537c09fe41",
    },
    status: 2,
    createAt: new Date().toISOString(),
    result: {
      code: 0,
      data: {
        images: [`images/art/${id}/000001lg33eq00000mgq.png`],
        artIds: ["6b018dda567bcd8600005a19"],
        nsfws: [false],
        domain: "http://127.0.0.1:4000/aitubo/file/",
      },
    },
  },
});

// Same-size byte buffers for the cached-file comparison, made once per size, as a cache would hold.
const buffers = new Map();

const app = new Hono();
app.get("/health", (c) => c.json({ ok: true }));
app.get("/json", (c) => c.json(jobBody(c.req.query("id") ?? "0")));
// The POST baseline: parses the JSON body it is sent (the same body the emulator's create routes
// get) and answers a small JSON shaped like Aitubo's create answer. The calibration route adds
// `us` microseconds of busy work before answering, to show what a given amount of work per request
// does to the ratio on this machine (the emulator's extra work per create is its CPU figure minus
// the bare route's).
let created = 0;
const answerCreate = async (c, busyUs = 0) => {
  const body = await c.req.json();
  if (busyUs > 0) {
    const until = performance.now() + busyUs / 1000;
    while (performance.now() < until) {}
  }
  created++;
  return c.json({
    code: 0,
    data: {
      id: `job-${created}`,
      credit: 100000 - created,
      consumedCredit: 1,
      fields: Object.keys(body).length,
    },
  });
};
app.post("/create", (c) => answerCreate(c));
app.post("/create-busy/:us", (c) => answerCreate(c, Number(c.req.param("us"))));
app.get("/bytes/:n", (c) => {
  const n = Math.min(Number(c.req.param("n")) || 0, 16 * 1024 * 1024);
  let buf = buffers.get(n);
  if (!buf) {
    buf = Buffer.alloc(n, 7);
    buffers.set(n, buf);
  }
  return c.body(buf, 200, { "content-type": "image/png", "content-length": String(n) });
});

const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`baseline listening on http://127.0.0.1:${info.port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
