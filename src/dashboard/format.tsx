/**
 * Small pieces every page uses: masked keys, times, sizes, phase badges, pagers, thumbnails.
 */
import type { Child } from "hono/jsx";
import type { JobPhase } from "../emulators/core/job-engine.js";
import { maskKey as maskSecretKey } from "../emulators/core/secrets.js";
import { type Page, queryString, type ResultFile } from "./control.js";

/** Where the UI lives (links are absolute so pages can be served from any depth). */
export const UI = "/__emulator/ui";

/**
 * A key as the control plane and the journal show it (already masked by the control plane: keys
 * never reach a page in clear); a raw key is masked the same way.
 */
export const maskKey = (key: string) => (key === "anonymous" || key.includes("…") ? key : maskSecretKey(key));

/** The link to a tenant's page, by its mask (the control plane resolves it). */
export const tenantHref = (key: string) => `${UI}/tenants/${encodeURIComponent(maskKey(key))}`;

/** The link to a job's page. */
export const jobHref = (provider: string, id: string) =>
  `${UI}/jobs/${encodeURIComponent(provider)}/${encodeURIComponent(id)}`;

/** An ISO time as `HH:MM:SS.mmm` (the date is shown once, with the clock). */
export const timeOf = (iso: string | number) => new Date(iso).toISOString().slice(11, 23);

/** An ISO time without the `T` and `Z` noise. */
export const dateTime = (iso: string | number) => new Date(iso).toISOString().replace("T", " ").slice(0, 23);

/** Bytes for humans. */
export function bytes(n: number | undefined): string {
  if (n === undefined) return "?";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

/** Credits with up to 2 decimals. */
export const credits = (n: number) =>
  n.toLocaleString("en-US", { minimumFractionDigits: Number.isInteger(n) ? 0 : 2, maximumFractionDigits: 2 });

/** The format of a file from its content type (`image/png` → `PNG`). */
export const formatOf = (contentType: string) => contentType.replace(/^image\//, "").toUpperCase();

/** A phase badge, with the provider's own word beside it when it differs. */
export function PhaseBadge(props: { phase: JobPhase; status?: string }) {
  return (
    <span class={`badge phase-${props.phase}`}>
      {props.phase}
      {props.status && props.status !== props.phase ? <code class="word">{props.status}</code> : null}
    </span>
  );
}

/** A thumbnail linking to the full file. */
export function Thumb(props: { file: ResultFile; label: string; size?: number }) {
  const size = props.size ?? 96;
  const dims = props.file.width && props.file.height ? ` ${props.file.width}×${props.file.height}` : "";
  return (
    <a class="thumb" href={props.file.url} title={`${formatOf(props.file.contentType)}${dims}`}>
      <img
        src={props.file.url}
        alt={`${props.label} (${formatOf(props.file.contentType)}${dims})`}
        width={size}
        height={size}
        loading="lazy"
        decoding="async"
      />
    </a>
  );
}

/** "Previous / next" links for a paged list, keeping the other query values. */
export function Pager(props: {
  page: Page;
  path: string;
  query: Record<string, string | number | undefined>;
  /** The query parameter that holds the offset (two lists on one page need two). */
  param?: string;
}) {
  const { total, offset, limit } = props.page;
  if (total <= limit && offset === 0) return <p class="muted">{total} in all</p>;
  const link = (o: number) =>
    `${props.path}${queryString({ ...props.query, [props.param ?? "offset"]: o || undefined })}`;
  const last = Math.max(0, Math.floor((total - 1) / limit) * limit);
  return (
    <nav class="pager" aria-label="pages">
      {offset > 0 ? <a href={link(0)}>« first</a> : <span class="muted">« first</span>}
      {offset > 0 ? (
        <a href={link(Math.max(0, offset - limit))} rel="prev">
          ‹ newer
        </a>
      ) : (
        <span class="muted">‹ newer</span>
      )}
      <span>
        {offset + 1}–{Math.min(total, offset + limit)} of {total}
      </span>
      {offset + limit < total ? (
        <a href={link(offset + limit)} rel="next">
          older ›
        </a>
      ) : (
        <span class="muted">older ›</span>
      )}
      {offset < last ? <a href={link(last)}>last »</a> : <span class="muted">last »</span>}
    </nav>
  );
}

/** A status line for a form's answer, read out by screen readers. */
export const FormStatus = () => <output class="form-status" aria-live="polite" />;

/** A card with a heading. */
export function Card(props: {
  title: string;
  id?: string;
  live?: boolean;
  children?: Child;
  wide?: boolean;
}) {
  return (
    <section
      class={props.wide ? "card wide" : "card"}
      id={props.id}
      data-live={props.live ? "" : undefined}
      aria-labelledby={props.id ? `${props.id}-h` : undefined}
    >
      <h2 id={props.id ? `${props.id}-h` : undefined}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** A column of {@link Head}: its label, right-aligned when numeric. */
export type Column = string | { label: string; num?: boolean };

/** A table's header row. */
export function Head(props: { cols: Column[] }) {
  return (
    <thead>
      <tr>
        {props.cols.map((col) =>
          typeof col === "string" ? (
            <th scope="col">{col}</th>
          ) : (
            <th scope="col" class={col.num ? "num" : undefined}>
              {col.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
