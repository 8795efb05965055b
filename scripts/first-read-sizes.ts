/**
 * What the first answer naming a result's byte size costs (issue 14): Aitubo's `/api/job/list`
 * (each image's `size`) and a TAMS read of a finished job (`imageExifMetaMap.FileSize`), which
 * used to render every image they named. Makes PAGES pages of 20 finished four-image jobs of each
 * in process, then times the first and a second answer, and the downloads against the sizes named.
 * A measurement to read, not a test (no timing is asserted).
 *
 *   npx tsx scripts/first-read-sizes.ts [PAGES]
 */
import { aituboProvider } from "../src/emulators/aitubo/index.js";
import { createEmulatorServer } from "../src/emulators/core/server.js";
import { tamsProvider } from "../src/emulators/tams/index.js";

const PAGES = Number(process.argv[2] ?? 3);
const s = createEmulatorServer([aituboProvider, tamsProvider], {
  clock: { mode: "manual" },
  seed: 1,
  startCredit: 1e9,
});
const headers = { authorization: "Bearer first-read-key", "content-type": "application/json" };
const post = (path: string, body: unknown) =>
  s.fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
const timed = async <T>(work: () => Promise<T>) => {
  const t = performance.now();
  const value = await work();
  return { ms: performance.now() - t, value };
};
const download = async (url: string) => {
  const u = new URL(url);
  return (await (await s.fetch(u.pathname + u.search)).arrayBuffer()).byteLength;
};

// Aitubo: pages of 20 jobs.
for (let i = 0; i < PAGES * 20; i++)
  await post("/aitubo/api/job/create", {
    prompt: `a lighthouse ${i}`,
    modelId: "642b977d2f2842537c09fe41",
    count: 4,
  });
// TAMS: as many jobs, read one by one.
const tamsJobs: string[] = [];
for (let i = 0; i < PAGES * 20; i++) {
  const r = await post("/tams/v1/jobs", {
    requestId: `first-read-${i}`,
    stages: [
      { type: "INPUT_INITIALIZE", inputInitialize: { seed: i, count: 4 } },
      {
        type: "DIFFUSION",
        diffusion: {
          width: 512,
          height: 512,
          prompts: [{ text: `a lighthouse ${i}` }],
          steps: 20,
          sdModel: "600423083519508503",
        },
      },
    ],
  });
  tamsJobs.push(((await r.json()) as { job: { id: string } }).job.id);
}
// Past every job's end, within TAMS's one-hour result URLs.
s.clock.advance(30 * 60_000);

type AituboList = {
  data: { domain: string; jobs: { arts: { images: { path: string; size: number }[] }[] }[] };
};
for (let page = 1; page <= PAGES; page++) {
  const path = `/aitubo/api/job/list?pageIndex=${page}&pageSize=20`;
  const list = async () => (await (await s.fetch(path, { headers })).json()) as AituboList;
  const first = await timed(list);
  const again = await timed(list);
  const images = first.value.data.jobs.flatMap((j) => j.arts.flatMap((a) => a.images));
  let matched = 0;
  let named = 0;
  for (const image of images) {
    named += image.size;
    if ((await download(first.value.data.domain + image.path)) === image.size) matched++;
  }
  console.log(
    `aitubo list page ${page}: first ${first.ms.toFixed(1)} ms, again ${again.ms.toFixed(1)} ms; ${images.length} images named ${(named / 1024).toFixed(0)} KiB, ${matched} downloads of exactly that size`,
  );
}

type TamsJob = {
  job: {
    successInfo: {
      images: { id: string; url: string }[];
      imageExifMetaMap: Record<string, { meta: { FileSize: string } }>;
    };
  };
};
for (let page = 0; page < PAGES; page++) {
  const ids = tamsJobs.slice(page * 20, page * 20 + 20);
  const read = (id: string) =>
    s.fetch(`/tams/v1/jobs/${id}`, { headers }).then((r) => r.json() as Promise<TamsJob>);
  const first = await timed(() => Promise.all(ids.map(read)));
  const again = await timed(() => Promise.all(ids.map(read)));
  console.log(
    `tams first reads of 20 finished jobs (80 images), batch ${page + 1}: ${first.ms.toFixed(1)} ms, again ${again.ms.toFixed(1)} ms; e.g. FileSize ${first.value[0]!.job.successInfo.imageExifMetaMap[first.value[0]!.job.successInfo.images[0]!.id]!.meta.FileSize}, download ${((await download(first.value[0]!.job.successInfo.images[0]!.url)) / 1024).toFixed(1)} KiB`,
  );
}
await s.close();
