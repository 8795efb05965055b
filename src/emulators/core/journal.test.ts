import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createJournal, type RawExchange } from "./journal.js";

const exchange = (key: string, body: string, n: number): RawExchange => ({
  at: 1_700_000_000_000 + n,
  provider: "test",
  key,
  method: "POST",
  path: `/jobs/${n}`,
  query: "",
  requestHeaders: { "content-type": "application/json", "x-n": String(n) },
  requestType: "application/json",
  requestText: body,
  requestBytes: body.length,
  status: 200,
  responseType: "application/json",
  responseText: "{}",
  responseBytes: 2,
  faults: [],
  durationMs: 1,
});

describe("journal", () => {
  it("keeps what a plain model keeps: 500 per key and the oldest of any key out past the byte budget, with records reused", () => {
    // What an entry costs beyond its bodies, read off the journal itself.
    const probe = createJournal();
    probe.add("k", exchange("k", "", 0));
    const overhead = probe.stats().bytes - 2 * 2;
    const op = fc.oneof(
      {
        weight: 20,
        arbitrary: fc.record({
          kind: fc.constant("add" as const),
          key: fc.constantFrom("a", "b", "c"),
          size: fc.nat(3000),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant("delete" as const), key: fc.constantFrom("a", "b", "c") }),
      },
    );
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 600, maxLength: 1600 }),
        fc.integer({ min: 20_000, max: 400_000 }),
        (ops, maxBytes) => {
          const journal = createJournal(undefined, { maxBytes });
          // The model: live entries in arrival order.
          let model: { n: number; key: string; bytes: number }[] = [];
          let n = 0;
          for (const o of ops) {
            if (o.kind === "delete") {
              journal.deleteTenant(o.key);
              model = model.filter((e) => e.key !== o.key);
              continue;
            }
            n++;
            const body = "x".repeat(o.size);
            journal.add(o.key, exchange(o.key, body, n));
            model.push({ n, key: o.key, bytes: overhead + 2 * (body.length + 2) });
            const own = model.filter((e) => e.key === o.key);
            if (own.length > 500) model.splice(model.indexOf(own[0]!), 1);
            let total = model.reduce((t, e) => t + e.bytes, 0);
            while (total > maxBytes && model.length > 0) total -= model.shift()!.bytes;
          }
          for (const key of ["a", "b", "c"]) {
            const kept = journal.list({ key }).map((e) => e.path);
            expect(kept).toEqual(model.filter((e) => e.key === key).map((e) => `/jobs/${e.n}`));
          }
          expect(journal.stats().entries).toBe(model.length);
          expect(journal.stats().bytes).toBe(model.reduce((t, e) => t + e.bytes, 0));
        },
      ),
      { numRuns: 60, seed: 14 },
    );
  });

  it("an entry read back shows its own exchange after its record was reused", () => {
    const journal = createJournal();
    for (let n = 1; n <= 1200; n++) journal.add("k", exchange("k", `{"n":${n}}`, n));
    const page = journal.page({ key: "k", limit: 3 });
    expect(page.total).toBe(500);
    expect(page.entries.map((e) => [e.path, e.request.body, e.request.headers["x-n"]])).toEqual([
      ["/jobs/1200", { n: 1200 }, "1200"],
      ["/jobs/1199", { n: 1199 }, "1199"],
      ["/jobs/1198", { n: 1198 }, "1198"],
    ]);
    expect(journal.list({ key: "k" })[0]!.path).toBe("/jobs/701");
  });
});
