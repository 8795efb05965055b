/**
 * One job: provider, tenant, request arguments, the provider's status words over time, credits
 * with the itemized breakdown from `src/credits`, results with size and format, and the requests
 * that touched it.
 */
import type { CreditEstimate } from "../../credits/types.js";
import type { ClockState } from "../../emulators/core/clock.js";
import type { JobDetail } from "../control.js";
import {
  bytes,
  Card,
  credits,
  dateTime,
  formatOf,
  Head,
  maskKey,
  PhaseBadge,
  Thumb,
  tenantHref,
  timeOf,
} from "../format.js";
import { Layout } from "../layout.js";
import { JournalTable } from "./journal.js";
import { ClockCard } from "./overview.js";

/** A credit breakdown table. */
export function Breakdown(props: { estimate: CreditEstimate }) {
  return (
    <table class="breakdown">
      <Head cols={["Item", { label: "Credits", num: true }, "Formula", "Source"]} />
      <tbody>
        {props.estimate.items.map((i) => (
          <tr>
            <td>
              <code>{i.item}</code>
            </td>
            <td class="num">{credits(i.credits)}</td>
            <td class="formula">
              <code>{i.formula}</code>
            </td>
            <td>{i.source}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">total</th>
          <td class="num">
            <strong>{credits(props.estimate.total)}</strong>
          </td>
          <td />
          <td />
        </tr>
      </tbody>
    </table>
  );
}

/** What the page knows of the job's request and its price. */
export interface JobPricing {
  /** Where the arguments came from: the provider's record, or the journal's create request. */
  source: "provider" | "journal" | "none";
  endpoint?: string;
  body?: unknown;
  charged?: number;
  estimate?: CreditEstimate;
  problem?: string;
}

/** The page. */
export function JobPage(props: { job: JobDetail; pricing: JobPricing; clock: ClockState }) {
  const { job, pricing } = props;
  return (
    <Layout title={`Job ${job.id}`} section="jobs">
      <div class="grid">
        <Card title="Job" id="job-facts" live>
          <dl class="facts">
            <dt>provider</dt>
            <dd>{job.provider}</dd>
            <dt>id</dt>
            <dd>
              <code>{job.id}</code>
            </dd>
            <dt>tenant</dt>
            <dd>
              <a href={tenantHref(job.tenantKey)}>{maskKey(job.tenantKey)}</a>
            </dd>
            <dt>state</dt>
            <dd>
              <PhaseBadge phase={job.phase} status={job.status} />{" "}
              {job.phase === "running" ? `${Math.round(job.progress * 100)}%` : null}
            </dd>
            <dt>created</dt>
            <dd>{dateTime(job.createdAt)}</dd>
            {job.finishedAt ? (
              <>
                <dt>finished</dt>
                <dd>{dateTime(job.finishedAt)}</dd>
              </>
            ) : null}
            {job.failure ? (
              <>
                <dt>failure</dt>
                <dd>{job.failure}</dd>
              </>
            ) : null}
            {job.hangs ? (
              <>
                <dt>outcome</dt>
                <dd>hangs until canceled (a fault)</dd>
              </>
            ) : null}
          </dl>
        </Card>
        <Card title="Status over time" id="job-history" live>
          <ol class="timeline" aria-label="status history">
            {job.history.map((h) => (
              <li>
                <time datetime={h.at}>{timeOf(h.at)}</time>
                <PhaseBadge phase={h.phase} status={h.status} />
              </li>
            ))}
          </ol>
          <p class="muted">
            Computed from the virtual clock; the word in the badge is what {job.provider} answers.
          </p>
        </Card>
        <ClockCard clock={props.clock} />
        <Card title={`Results (${job.results.length})`} id="job-results" live wide>
          {job.results.length === 0 ? (
            <p class="empty">
              {job.phase === "succeeded" ? "No files." : "Results appear when the job has succeeded."}
            </p>
          ) : (
            <div class="results">
              {job.results.map((f, i) => (
                <figure>
                  <Thumb file={f} label={`result ${i + 1} of job ${job.id}`} size={200} />
                  <figcaption>
                    <a href={f.url}>{f.path.split("/").pop()}</a> · {formatOf(f.contentType)}
                    {f.width ? ` · ${f.width}×${f.height}` : ""} · {bytes(f.bytes)}
                  </figcaption>
                </figure>
              ))}
            </div>
          )}
        </Card>
        <Card title="Credits" id="job-credits" wide>
          {pricing.charged !== undefined ? (
            <p>
              Charged <strong>{credits(pricing.charged)}</strong> credits
              {job.phase === "failed" || job.phase === "canceled"
                ? " (refunded when it failed or was canceled)"
                : ""}
              .
            </p>
          ) : null}
          {pricing.estimate ? <Breakdown estimate={pricing.estimate} /> : null}
          {pricing.problem ? <p class="muted">No breakdown: {pricing.problem}</p> : null}
        </Card>
        <Card title="Request arguments" id="job-request">
          {pricing.body !== undefined ? (
            <>
              <p class="muted">
                {pricing.endpoint ? (
                  <>
                    endpoint <code>{pricing.endpoint}</code> ·{" "}
                  </>
                ) : null}
                {pricing.source === "provider"
                  ? "as the provider kept them"
                  : "from the journal's create request"}
              </p>
              <pre>{JSON.stringify(pricing.body, null, 2)}</pre>
            </>
          ) : (
            <p class="empty">Not kept (the create request has left the journal).</p>
          )}
        </Card>
        <Card title={`Requests that touched it (${job.requests.total})`} id="job-requests" live wide>
          <JournalTable entries={job.requests.entries} />
        </Card>
      </div>
    </Layout>
  );
}
