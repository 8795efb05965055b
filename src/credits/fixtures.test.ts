/**
 * Every published credit example, from `fixtures/credits/*.json`, priced by the library.
 *
 * A case agrees with its doc (`total` = `published.total`), or records a discrepancy: then the
 * library gives the published formula's figure (`formula.total`) and the test asserts the exact
 * difference, so a doc fix or a live run that settles it makes this test fail and get updated.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { numberToHundredths } from "./decimal.js";
import { CREDIT_PROVIDERS, estimate } from "./estimate.js";
import type { CreditProvider } from "./types.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/credits/", import.meta.url));

const Source = z.object({ doc: z.string().min(1), section: z.string().min(1) });
const Request = z.object({ label: z.string().optional(), endpoint: z.string(), body: z.unknown() });
const Case = z
  .object({
    id: z.string(),
    source: Source.optional(),
    published: z.object({ total: z.number(), items: z.array(z.number()).optional() }),
    request: Request.optional(),
    requests: z.array(Request).min(1).optional(),
    formula: z.object({ total: z.number(), arithmetic: z.string() }).optional(),
    discrepancy: z.object({ difference: z.number(), why: z.string().min(20) }).optional(),
    verifies: z.literal(false).optional(),
  })
  .loose()
  .refine((c) => Boolean(c.request) !== Boolean(c.requests), "a case has request or requests")
  .refine((c) => Boolean(c.discrepancy) === Boolean(c.formula && c.formula.total !== c.published.total), {
    message: "a discrepancy is recorded exactly when the formula's figure differs from the published one",
  });
const Fixture = z.object({
  provider: z.enum(CREDIT_PROVIDERS as [CreditProvider, ...CreditProvider[]]),
  source: Source,
  note: z.string().optional(),
  cases: z.array(Case).min(1),
});

const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".json"));
const fixtures = files.map((file) => ({
  file,
  fixture: Fixture.parse(JSON.parse(readFileSync(FIXTURES + file, "utf8"))),
}));

/** Exact a − b on credit amounts. */
const minus = (a: number, b: number) => Number(numberToHundredths(a) - numberToHundredths(b)) / 100;

describe("published credit examples", () => {
  it("cover every published example", () => {
    const count = (file: string) => fixtures.find((f) => f.file === file)?.fixture.cases.length;
    expect(count("tams-diffusion-steps.json")).toBe(9); // STEPS table rows
    expect(count("tams-pixel-stages.json")).toBe(6); // ADETAILER/INPAINT/UPSCALER table rows
    expect(count("tams-four-stage.json")).toBe(1);
    expect(count("tams-video.json")).toBe(3);
    expect(count("tams-workflow.json")).toBe(1);
    expect(count("tams-template.json")).toBe(1);
    expect(count("aitubo.json")).toBe(1);
    expect(count("aithriving.json")).toBe(7);
  });

  for (const { file, fixture } of fixtures) {
    describe(file, () => {
      for (const c of fixture.cases) {
        const requests = c.requests ?? [c.request!];
        for (const r of requests) {
          it(`${c.id}${r.label ? ` (${r.label})` : ""}`, () => {
            const result = estimate(fixture.provider, r.body, { endpoint: r.endpoint });
            const sum = result.items.reduce((s, l) => s + Number(numberToHundredths(l.credits)), 0) / 100;
            expect(result.total).toBe(sum);
            if (c.discrepancy) {
              // The library follows the formula; the doc's figure is off by exactly this much.
              expect(result.total).toBe(c.formula!.total);
              expect(minus(c.published.total, result.total)).toBe(c.discrepancy.difference);
            } else {
              expect(result.total).toBe(c.published.total);
            }
            if (c.published.items) expect(result.items.map((l) => l.credits)).toEqual(c.published.items);
          });
        }
      }
    });
  }
});
