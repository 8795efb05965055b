/**
 * The scenario API. A scenario is written once against a provider's client and runs against any
 * target; it declares whether a live run has validated it, what a live run costs (from
 * `src/credits`), and the differences from the live API it knows about.
 * @example
 * export default defineScenario({
 *   name: "discover-models",
 *   provider: "aitubo",
 *   description: "GET /api/model/list answers the documented shape",
 *   live: { status: "unverified" },
 *   cost: () => 0,
 *   async run(ctx) {
 *     ctx.check("models", aituboModelListSchema, await ctx.client.listModels({ type: "platform" }));
 *   },
 * });
 */
import type { z } from "zod";
import type { CreditEstimate } from "../credits/types.js";
import type { ExpectedError, StatusMachine } from "./checks/behaviour.js";
import type { ExpectedImage, ImageProperties } from "./checks/images.js";
import type { ProviderClients } from "./clients/index.js";
import type { ControlPlane } from "./control.js";
import type { Finding } from "./findings.js";
import type { ApiResponse, Download } from "./http.js";
import type { PathSegment } from "./json-path.js";
import type { ProviderName } from "./providers.js";
import type { TargetKind } from "./targets.js";

/** Whether a live run has confirmed the scenario (LocalStack's `markers.aws.validated`). */
export type LiveStatus =
  /** A live run passed on this date (YYYY-MM-DD). */
  | { status: "validated"; date: string }
  /** Written from the docs; no live run has confirmed it yet. Runs live. */
  | { status: "unverified" }
  /** Needs the emulator's control plane (a balance, a fault): never runs live. */
  | { status: "emulatorOnly"; reason: string };

/** A difference from the live API accepted in advance: findings at matching paths become `known`. */
export interface KnownDifference {
  /** `label: json.path`; `*` matches one key, `[*]` any index. */
  path: string;
  reason: string;
}

/** How to poll a job until it is terminal. */
export interface PollSpec {
  /** Label of the terminal snapshot (intermediate answers are checked but not recorded). */
  label: string;
  fetch(): Promise<ApiResponse>;
  schema: z.ZodType;
  /** Where the status is in the body. */
  statusPath: PathSegment[];
  machine: StatusMachine;
}

/** What a scenario sees while it runs. Check methods record findings and go on. */
export interface ScenarioContext<P extends ProviderName> {
  readonly provider: P;
  readonly scenario: string;
  readonly target: { kind: TargetKind; label: string };
  /** This scenario's key: fresh and isolated on emulators, the environment's key live. */
  readonly key: string;
  /** The provider's client with {@link key}. */
  readonly client: ProviderClients[P];
  /** The same client with another key, or none (`undefined`), for auth scenarios. */
  clientWithKey(key: string | undefined): ProviderClients[P];
  /** The emulator's control plane; `undefined` live. Use {@link requireControl} in emulator-only scenarios. */
  readonly control: ControlPlane | undefined;
  requireControl(): ControlPlane;

  /** Schema-checks an answer (HTTP 200 expected unless `http` is given) and snapshots it under `label`. */
  check(
    label: string,
    schema: z.ZodType,
    res: ApiResponse,
    options?: { http?: number; snapshot?: boolean },
  ): boolean;
  /** Checks a documented error: HTTP status, code, body schema; snapshots it. */
  checkError(label: string, schema: z.ZodType, res: ApiResponse, expected: ExpectedError): void;
  /** Lets `ms` of job time pass: advances a driven emulator's clock, or waits (instant emulators, live). */
  elapse(ms: number): Promise<void>;
  /** Polls until a terminal status (or the timeout), checking each answer and the status sequence. */
  poll(spec: PollSpec): Promise<ApiResponse>;
  /** Checks a charge against `src/credits`; `path` names where the charge was read. */
  credits(path: string, charged: unknown, estimate: CreditEstimate): void;
  /** Checks a downloaded image decodes with the asked properties; snapshots the properties. */
  image(label: string, file: Download, expected: ExpectedImage): Promise<ImageProperties | undefined>;
  /** Records a behaviour finding unless `ok`. Returns `ok`. */
  expect(ok: boolean, finding: Omit<Finding, "severity" | "check"> & { check?: Finding["check"] }): boolean;
  /** Records a finding as is. */
  report(finding: Finding): void;
  /** Adds a value to the snapshots (normalized), for values that are not whole answers. */
  snapshot(label: string, value: unknown): void;
  /** Stops the scenario here (after a breaking finding that makes the rest meaningless). */
  abort(reason: string): never;
  /** Stops the scenario and reports it skipped (e.g. the target cannot do what it needs). */
  skip(reason: string): never;
}

/** A scenario. */
export interface Scenario<P extends ProviderName = ProviderName> {
  /** Kebab-case, unique per provider; names the recording file. */
  readonly name: string;
  readonly provider: P;
  /** One line: what it proves. */
  readonly description: string;
  readonly live: LiveStatus;
  /** Credits a live run spends, from `src/credits` (0 when it spends nothing). */
  cost(): number;
  readonly knownDifferences?: readonly KnownDifference[];
  /** Values whose key names are volatile for this scenario (e.g. a balance), for the normalizer. */
  readonly volatileKeys?: Readonly<Record<string, string>>;
  run(ctx: ScenarioContext<P>): Promise<void>;
}

/** Declares a scenario (an identity function that keeps the provider's types). */
export function defineScenario<P extends ProviderName>(scenario: Scenario<P>): Scenario<P> {
  return scenario;
}

/** Thrown by `ctx.abort`: the scenario ends with the findings it has. */
export class ScenarioAbort extends Error {
  override readonly name = "ScenarioAbort";
}

/** Thrown by `ctx.skip`: the scenario is reported skipped. */
export class ScenarioSkip extends Error {
  override readonly name = "ScenarioSkip";
}
