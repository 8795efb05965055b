/**
 * The dashboard's only browser code, inlined into every page (no build step, nothing fetched):
 * live regions refreshed on server-sent events, the clock ticking between them, and forms and
 * buttons that write through the control plane's JSON routes.
 */

/* The function below runs in the browser: it is sent as its own source text, so it must not use
 * anything from its module scope. */
function dashboardClient(): void {
  type Builder = (data: FormData) => unknown;
  const num = (v: FormDataEntryValue | null) => (v === null || v === "" ? undefined : Number(v));
  const str = (v: FormDataEntryValue | null) => (v === null || v === "" ? undefined : String(v));
  const builders: Record<string, Builder> = {
    none: () => undefined,
    advance: (d) => ({ ms: Math.round(Number(d.get("amount")) * Number(d.get("unit"))) }),
    balance: (d) => ({ balance: Number(d.get("balance")) }),
    fault: (d) => {
      const type = String(d.get("type"));
      const action: Record<string, unknown> = { type };
      if (type === "error") {
        action.status = num(d.get("status"));
        action.message = str(d.get("message"));
      }
      if (type === "latency") action.ms = num(d.get("ms"));
      if (type === "rate-limit") action.retryAfter = num(d.get("retryAfter"));
      if (type === "fail-job") action.reason = str(d.get("message"));
      if (type === "slow-job") action.factor = num(d.get("factor"));
      const method = str(d.get("method"));
      const path = str(d.get("path"));
      return {
        provider: str(d.get("provider")),
        route: path || method ? `${method ?? "*"} ${path ?? "*"}` : undefined,
        key: str(d.get("key")),
        nth: num(d.get("nth")),
        times: num(d.get("times")),
        probability: num(d.get("probability")),
        action,
      };
    },
  };

  // --- live regions -----------------------------------------------------------------------------
  let pending: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  const refresh = async () => {
    pending = undefined;
    last = Date.now();
    const res = await fetch(location.href, { headers: { accept: "text/html" } });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const focused = document.activeElement?.id;
    // Rows the reader opened stay open (rows are known by their journal sequence number).
    const open = new Set(
      [...document.querySelectorAll("details[open]")].map(
        (d) => d.closest<HTMLElement>("[data-seq]")?.dataset.seq,
      ),
    );
    for (const region of document.querySelectorAll<HTMLElement>("[data-live][id]")) {
      const next = doc.getElementById(region.id);
      if (next && next.innerHTML !== region.innerHTML) region.innerHTML = next.innerHTML;
    }
    for (const row of document.querySelectorAll<HTMLElement>("[data-seq]"))
      if (open.has(row.dataset.seq)) row.querySelector("details")?.setAttribute("open", "");
    if (focused && document.activeElement === document.body) document.getElementById(focused)?.focus();
    document.documentElement.dataset.refreshed = String(
      Number(document.documentElement.dataset.refreshed ?? 0) + 1,
    );
    tick();
  };
  // At most one refresh every 300 ms, however busy the server is.
  const soon = () => {
    if (pending) return;
    pending = setTimeout(refresh, Math.max(0, 300 - (Date.now() - last)));
  };
  if (document.querySelector("[data-live]")) {
    const source = new EventSource("/__emulator/events");
    source.addEventListener("hello", () => {
      document.documentElement.dataset.live = "connected";
    });
    source.onmessage = soon;
    // The server names its event types in the page (one list, in the core).
    const types = document.querySelector<HTMLMetaElement>('meta[name="emulator-events"]')?.content ?? "";
    for (const type of types.split(",").filter(Boolean)) source.addEventListener(type, soon);
    source.onerror = () => {
      document.documentElement.dataset.live = "reconnecting";
    };
  }

  // --- the clock --------------------------------------------------------------------------------
  const loaded = new Map<Element, { at: number; now: number }>();
  const tick = () => {
    for (const el of document.querySelectorAll<HTMLElement>("[data-clock-now]")) {
      const now = Number(el.dataset.clockNow);
      let seen = loaded.get(el);
      if (!seen || seen.now !== now) {
        seen = { at: Date.now(), now };
        loaded.set(el, seen);
      }
      const speed = el.dataset.clockRunning === "true" ? Number(el.dataset.clockSpeed ?? 1) : 0;
      const t = new Date(now + (Date.now() - seen.at) * speed);
      el.textContent = t.toISOString().replace("T", " ").slice(0, 23);
    }
  };
  tick();
  setInterval(tick, 250);

  // --- writes through the control plane -----------------------------------------------------------
  const send = async (el: HTMLElement, body: unknown, out: HTMLOutputElement | null) => {
    const method = el.dataset.method ?? "POST";
    const confirmText = el.dataset.confirm;
    if (confirmText && !confirm(confirmText)) return;
    if (out) {
      out.textContent = "…";
      out.className = "form-status";
    }
    const res = await fetch(el.dataset.api!, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await res.json().catch(() => ({}))) as { error?: { message?: string; field?: string } };
    if (!res.ok) {
      if (out) {
        out.textContent = answer.error?.message ?? `HTTP ${res.status}`;
        out.className = "form-status error";
      }
      // Put the cursor on the field the control plane named (rule fields are named after the schema's).
      const field = answer.error?.field?.split(".").pop();
      if (field && el instanceof HTMLFormElement)
        (el.elements.namedItem(field) as HTMLElement | null)?.focus?.();
      return;
    }
    if (out) out.textContent = el.dataset.done ?? "done";
    if (el.dataset.then === "reload") location.reload();
    else await refresh();
  };
  document.addEventListener("submit", (e) => {
    const form = e.target as HTMLFormElement;
    if (!form.dataset.api) return;
    e.preventDefault();
    const build = builders[form.dataset.body ?? "none"] ?? builders.none!;
    const body = JSON.parse(JSON.stringify(build(new FormData(form)) ?? null));
    void send(form, body ?? undefined, form.querySelector("output"));
  });
  document.addEventListener("click", (e) => {
    const button = (e.target as Element).closest<HTMLButtonElement>("button[data-api]");
    if (!button || button.form?.dataset.api) return;
    void send(button, undefined, document.querySelector(`#${button.dataset.status ?? "page-status"}`));
  });
}

/**
 * The client as a script's text. Some transpilers (tsx, esbuild with keepNames) wrap inner
 * functions in a `__name()` helper that exists only in their module scope: the shim makes the
 * shipped source stand alone whichever compiled it.
 */
export const CLIENT_SCRIPT = `(function(){var __name=function(f){return f};(${dashboardClient.toString()})();})();`;
