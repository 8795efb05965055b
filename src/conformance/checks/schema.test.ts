import { describe, expect, it } from "vitest";
import * as z from "zod";
import { checkSchema } from "./schema.js";

const schema = z.strictObject({
  code: z.number().int(),
  data: z.strictObject({ id: z.string(), status: z.literal([0, 1, 2, 3]) }),
});

describe("checkSchema", () => {
  it("accepts the documented shape", () => {
    expect(checkSchema(schema, { code: 0, data: { id: "x", status: 2 } }, "poll")).toEqual([]);
  });

  it("reports a missing field, a changed type and a new enum value as breaking, at their paths", () => {
    const findings = checkSchema(schema, { code: "0", data: { status: 4 } }, "poll");
    expect(findings.map((f) => [f.severity, f.path, f.message])).toEqual([
      ["breaking", "poll: code", "field changed type"],
      ["breaking", "poll: data.id", "documented field is missing"],
      ["breaking", "poll: data.status", "value outside the documented set"],
    ]);
  });

  it("reports an unknown field as info only", () => {
    const findings = checkSchema(schema, { code: 0, data: { id: "x", status: 2, eta: 3 } }, "poll");
    expect(findings.map((f) => [f.severity, f.path])).toEqual([["info", "poll: data.eta"]]);
  });
});
