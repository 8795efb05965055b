// Node's fetch, unchanged, against Aitubo's real URL: interceptProviders() answers it in process.
// No base URL, no port, no network. Run: node examples/fetch-intercepted.mjs
import { interceptProviders } from "imagegen-emulators";

const { restore } = interceptProviders({ clock: { mode: "instant" } });
try {
  const headers = { authorization: "Bearer example-key-0001", "content-type": "application/json" };
  const created = await fetch("https://api.aitubo.ai/api/job/create", {
    method: "POST",
    headers,
    body: JSON.stringify({ prompt: "a lighthouse at dusk", modelId: "642b977d2f2842537c09fe41" }),
  }).then((r) => r.json());
  const job = await fetch(`https://api.aitubo.ai/api/job/get?id=${created.data.id}`, { headers }).then((r) =>
    r.json(),
  );
  const { domain, images } = job.data.result.data;
  // The file URL names the real file host, and following it is intercepted too.
  const image = await fetch(domain + images[0]);
  console.log(`job ${created.data.id} status ${job.data.status}`);
  console.log(`${domain}${images[0]} ${image.headers.get("content-type")} ${(await image.arrayBuffer()).byteLength} bytes`);
  // Any other host is refused (no surprise bills): the error names it and the option to allow it.
  await fetch("https://api.openai.com/v1/models").catch((err) => console.log(`refused: ${err.cause.message}`));
} finally {
  restore();
}
