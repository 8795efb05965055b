/**
 * The emulator's control plane (`/__emulator/*`) as emulator-only scenarios use it: register a
 * key with a balance, read a balance, ask whether unknown keys are refused. Plain HTTP, so the
 * in-process and the http targets behave the same.
 */
import { type FetchLike, joinUrl } from "./http.js";

/** What scenarios may ask of an emulator. */
export interface ControlPlane {
  /** Registers a key (it then passes strict mode) with a balance. */
  setBalance(key: string, balance: number): Promise<void>;
  /** A key's balance; `undefined` if the emulator has never seen the key. */
  balance(key: string): Promise<number | undefined>;
  /** True when the emulator refuses keys it does not know (the `strictKeys` option). */
  strictKeys(): Promise<boolean>;
  /** The providers the emulator serves. */
  providers(): Promise<string[]>;
  /** The providers it serves and how its clock runs (`GET /__emulator/health`). */
  health(): Promise<EmulatorHealth>;
  /** Moves the emulator's clock forward by `ms` (`POST /__emulator/clock/advance`). */
  advanceClock(ms: number): Promise<void>;
  /** A control route with a JSON body, e.g. `tams/apps/ID` (`PUT` unless `method` says). */
  put(path: string, body: unknown, method?: "PUT" | "POST"): Promise<void>;
  /** A provider-specific control route read as JSON (`GET`). */
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** What `GET /__emulator/health` answers. */
export interface EmulatorHealth {
  providers: string[];
  /** `realtime`, `instant` or `manual` (absent on emulators that do not say). */
  clock?: string;
}

/** The control plane refused us for want of its admin token (`serve --admin-token`, or a non-loopback bind). */
export class AdminTokenRequired extends Error {
  override readonly name = "AdminTokenRequired";
}

/**
 * Builds a control-plane client for an emulator root such as `http://127.0.0.1:4000`; `adminToken`
 * is sent as `x-emulator-admin-token` when the emulator requires one.
 */
export function createControlPlane(root: string, doFetch: FetchLike, adminToken?: string): ControlPlane {
  const url = (path: string) => joinUrl(joinUrl(root, "__emulator"), path);
  const auth: Record<string, string> = adminToken ? { "x-emulator-admin-token": adminToken } : {};
  const getJson = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await doFetch(url(path), { headers: auth });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };
  const control: ControlPlane = {
    async setBalance(key, balance) {
      const res = await doFetch(url(`tenants/${encodeURIComponent(key)}`), {
        method: "PUT",
        headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify({ balance }),
      });
      if (!res.ok)
        throw new Error(
          `control plane refused PUT /__emulator/tenants: HTTP ${res.status} ${await res.text()}`,
        );
    },
    async balance(key) {
      const { status, body } = await getJson(`tenants/${encodeURIComponent(key)}`);
      return status === 200 && typeof body.balance === "number" ? body.balance : undefined;
    },
    async strictKeys() {
      const { body } = await getJson("state");
      return body.strictKeys === true;
    },
    async providers() {
      return (await control.health()).providers;
    },
    async health() {
      const { status, body } = await getJson("health");
      if (status === 401 || status === 403)
        throw new AdminTokenRequired(
          `the control plane at ${url("health")} refused us (HTTP ${status}): ` +
            (adminToken
              ? "the admin token is not the emulator's"
              : "pass its admin token with --admin-token"),
        );
      if (status !== 200 || !Array.isArray(body.providers))
        throw new Error(`no emulator control plane at ${url("health")} (HTTP ${status})`);
      return {
        providers: body.providers as string[],
        ...(typeof body.clock === "string" ? { clock: body.clock } : {}),
      };
    },
    async advanceClock(ms) {
      await control.put("clock/advance", { ms: Math.max(0, Math.round(ms)) }, "POST");
    },
    async put(path, json, method = "PUT") {
      const res = await doFetch(url(path), {
        method,
        headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify(json),
      });
      if (!res.ok)
        throw new Error(
          `control plane refused ${method} /__emulator/${path}: HTTP ${res.status} ${await res.text()}`,
        );
    },
    get: getJson,
  };
  return control;
}
