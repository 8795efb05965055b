/**
 * Jobs: every provider's jobs newest first, paged, with their state and thumbnails.
 */
import type { UiHost } from "../../emulators/core/server.js";
import type { JobSummary, Page } from "../control.js";
import {
  Card,
  dateTime,
  Head,
  jobHref,
  maskKey,
  Pager,
  PhaseBadge,
  Thumb,
  tenantHref,
  UI,
} from "../format.js";
import { Layout } from "../layout.js";

/** Thumbnails shown per row (a job may have many results; its page shows them all). */
const THUMBS_PER_ROW = 4;

/** A table of job rows. */
export function JobsTable(props: { jobs: JobSummary[]; showTenant?: boolean }) {
  if (props.jobs.length === 0) return <p class="empty">No jobs yet.</p>;
  return (
    <table>
      <Head
        cols={[
          "Job",
          "Provider",
          ...(props.showTenant === false ? [] : ["Tenant"]),
          "State",
          "Created",
          "Results",
        ]}
      />
      <tbody>
        {props.jobs.map((j) => (
          <tr data-job={j.id}>
            <td>
              <a href={jobHref(j.provider, j.id)}>
                <code>{j.id}</code>
              </a>
            </td>
            <td>{j.provider}</td>
            {props.showTenant === false ? null : (
              <td>
                <a href={tenantHref(j.tenantKey)}>{maskKey(j.tenantKey)}</a>
              </td>
            )}
            <td>
              <PhaseBadge phase={j.phase} status={j.status} />
              {j.phase === "running" ? (
                <span class="progress" title={`${Math.round(j.progress * 100)}%`}>
                  <i style={`width:${Math.round(j.progress * 100)}%`} />
                </span>
              ) : null}
            </td>
            <td>{dateTime(j.createdAt)}</td>
            <td>
              <div class="thumbs">
                {j.results.slice(0, THUMBS_PER_ROW).map((f, i) => (
                  <Thumb file={f} label={`result ${i + 1} of job ${j.id}`} size={56} />
                ))}
                {j.results.length > THUMBS_PER_ROW ? (
                  <span class="muted">+{j.results.length - THUMBS_PER_ROW}</span>
                ) : null}
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The page. */
export function JobsPage(props: {
  host: UiHost;
  page: Page & { jobs: JobSummary[] };
  query: { provider?: string; key?: string };
}) {
  return (
    <Layout title="Jobs" section="jobs">
      <form class="filters" method="get" action={`${UI}/jobs`}>
        <div class="field">
          <label for="jobs-provider">Provider</label>
          <select id="jobs-provider" name="provider">
            <option value="">all</option>
            {props.host.providers.map((p) => (
              <option value={p.name} selected={props.query.provider === p.name}>
                {p.title}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="jobs-key">API key</label>
          <input id="jobs-key" name="key" value={props.query.key ?? ""} autocomplete="off" />
        </div>
        <button type="submit">Filter</button>
      </form>
      <Card title={`${props.page.total} job(s)`} id="jobs" live wide>
        <JobsTable jobs={props.page.jobs} />
        <Pager page={props.page} path={`${UI}/jobs`} query={props.query} />
      </Card>
    </Layout>
  );
}
