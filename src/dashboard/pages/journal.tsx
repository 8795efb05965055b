/**
 * Journal: every request and response, newest first, filtered and paged, bodies redacted as the
 * journal keeps them, images previewed inline.
 */
import type { JournalEntry } from "../../emulators/core/journal.js";
import type { UiHost } from "../../emulators/core/server.js";
import type { Page } from "../control.js";
import { Card, dateTime, Head, Pager, UI } from "../format.js";
import { Layout } from "../layout.js";

const IMAGE_PATH = /\.(png|jpe?g|webp)(\?\S*)?$/i;

/**
 * Image URLs in a body (result URLs the emulator handed out), at most a few. A relative path is
 * resolved against a `domain` URL beside it, the way Aitubo answers `{images: [...], domain}`.
 */
function imageUrls(body: unknown, out: string[] = [], depth = 0, domain?: string): string[] {
  if (out.length >= 8 || depth > 12) return out;
  if (typeof body === "string") {
    if (!/\s/.test(body) && IMAGE_PATH.test(body)) {
      if (/^https?:\/\//i.test(body)) out.push(body);
      else if (domain) out.push(new URL(body, domain.endsWith("/") ? domain : `${domain}/`).href);
    }
  } else if (Array.isArray(body)) for (const v of body) imageUrls(v, out, depth + 1, domain);
  else if (body && typeof body === "object") {
    const own = (body as { domain?: unknown }).domain;
    const base = typeof own === "string" && /^https?:\/\//i.test(own) ? own : domain;
    for (const v of Object.values(body)) imageUrls(v, out, depth + 1, base);
  }
  return out;
}

/** The control plane's URL for a file the provider served at `url` (a URL or a provider path). */
function preview(provider: string, url: string): string {
  const path = /^https?:\/\//i.test(url) ? new URL(url).pathname : url;
  const own = path.startsWith(`/${provider}/`) ? path.slice(provider.length + 1) : path;
  return `/__emulator/files/${provider}${own.startsWith("/") ? own : `/${own}`}`;
}

/** A body as the journal keeps it. */
const Body = (props: { body: unknown }) =>
  props.body === undefined ? (
    <p class="empty">no body</p>
  ) : (
    <pre>{typeof props.body === "string" ? props.body : JSON.stringify(props.body, null, 2)}</pre>
  );

/** Rows of journal entries, each expandable to its headers and bodies. */
export function JournalTable(props: { entries: JournalEntry[] }) {
  if (props.entries.length === 0) return <p class="empty">No requests match.</p>;
  return (
    <table>
      <Head
        cols={[
          "#",
          "Time",
          "Provider",
          "Key",
          "Request",
          { label: "Status", num: true },
          { label: "ms", num: true },
        ]}
      />
      <tbody>
        {props.entries.map((e) => {
          const isImage = /^image\//.test(e.response.contentType ?? "") && e.response.status === 200;
          // Previews are read through the control plane, so looking never adds to the journal.
          const images = (isImage ? [e.path] : imageUrls(e.response.body)).map((u) => preview(e.provider, u));
          return (
            <tr data-seq={String(e.seq)}>
              <td class="num">{e.seq}</td>
              <td>{dateTime(e.at)}</td>
              <td>{e.provider}</td>
              <td>
                <code class="tenant">{e.tenant}</code>
              </td>
              <td>
                <details>
                  <summary>
                    <code>
                      {e.method} {e.path}
                      {e.query}
                    </code>
                    {e.faults.length ? <span class="badge phase-failed">{e.faults.join(", ")}</span> : null}
                  </summary>
                  <h3 class="muted">Request headers</h3>
                  <pre>{JSON.stringify(e.request.headers, null, 2)}</pre>
                  <h3 class="muted">Request body</h3>
                  <Body body={e.request.body} />
                  <h3 class="muted">Response ({e.response.contentType ?? "no type"})</h3>
                  <Body body={e.response.body} />
                </details>
                {images.length ? (
                  <div class="thumbs">
                    {images.map((src) => (
                      <a href={src}>
                        <img
                          class="rowimg"
                          src={src}
                          alt={`result returned by request ${e.seq}`}
                          loading="lazy"
                        />
                      </a>
                    ))}
                  </div>
                ) : null}
              </td>
              <td class={`num status-${String(e.response.status)[0]}`}>{e.response.status}</td>
              <td class="num">{e.durationMs}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The journal's filters, as the query names them. */
export interface JournalFilters {
  provider?: string;
  key?: string;
  method?: string;
  path?: string;
  status?: string;
  text?: string;
}

/** The page. */
export function JournalPage(props: {
  host: UiHost;
  page: Page & { requests: JournalEntry[] };
  query: JournalFilters;
}) {
  const q = props.query;
  return (
    <Layout title="Journal" section="journal">
      <form class="filters" method="get" action={`${UI}/journal`}>
        <div class="field">
          <label for="j-provider">Provider</label>
          <select id="j-provider" name="provider">
            <option value="">all</option>
            {props.host.providers.map((p) => (
              <option value={p.name} selected={q.provider === p.name}>
                {p.title}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="j-key">API key</label>
          <input id="j-key" name="key" value={q.key ?? ""} autocomplete="off" size={16} />
        </div>
        <div class="field">
          <label for="j-method">Method</label>
          <select id="j-method" name="method">
            <option value="">any</option>
            {["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => (
              <option selected={q.method?.toUpperCase() === m}>{m}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="j-path">Path contains</label>
          <input id="j-path" name="path" value={q.path ?? ""} size={18} />
        </div>
        <div class="field">
          <label for="j-status">Status</label>
          <input id="j-status" name="status" value={q.status ?? ""} placeholder="404 or 4xx" size={8} />
        </div>
        <div class="field">
          <label for="j-text">Text (e.g. a job id)</label>
          <input id="j-text" name="text" value={q.text ?? ""} size={18} />
        </div>
        <button type="submit">Filter</button>
        <a href={`${UI}/journal`}>clear</a>
      </form>
      <Card title={`${props.page.total} request(s), newest first`} id="journal" live wide>
        <JournalTable entries={props.page.requests} />
        <Pager page={props.page} path={`${UI}/journal`} query={{ ...q }} />
      </Card>
    </Layout>
  );
}
