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
}

/** Builds a control-plane client for an emulator root such as `http://127.0.0.1:4000`. */
export function createControlPlane(root: string, doFetch: FetchLike): ControlPlane {
  const url = (path: string) => joinUrl(joinUrl(root, "__emulator"), path);
  const getJson = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await doFetch(url(path));
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };
  return {
    async setBalance(key, balance) {
      const res = await doFetch(url(`tenants/${encodeURIComponent(key)}`), {
        method: "PUT",
        headers: { "content-type": "application/json" },
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
      const { status, body } = await getJson("health");
      if (status !== 200 || !Array.isArray(body.providers))
        throw new Error(`no emulator control plane at ${url("health")} (HTTP ${status})`);
      return body.providers as string[];
    },
  };
}
