/**
 * Overview: providers and their base URLs, the clock (advance, pause/resume), tenants with
 * balances, jobs by state, the active fault rules, and the newest jobs with their pictures.
 */
import type { ClockState } from "../../emulators/core/clock.js";
import { type JobPhase, TERMINAL_PHASES } from "../../emulators/core/job-engine.js";
import type { UiHost } from "../../emulators/core/server.js";
import type { JobSummary, LiveRule, Page, TenantRow } from "../control.js";
import { Card, credits, FormStatus, Head, maskKey, Pager, tenantHref, UI } from "../format.js";
import { Layout } from "../layout.js";
import { JobsTable } from "./jobs.js";

const PHASES: JobPhase[] = ["queued", "running", ...TERMINAL_PHASES];

/** The clock's card: its state (live) and the forms that move it. */
export function ClockCard(props: { clock: ClockState }) {
  const { clock } = props;
  const running = clock.mode === "realtime" && !clock.paused;
  return (
    <Card title="Clock" id="clock-card">
      <div id="clock" data-live="">
        <p class="big">
          <time
            data-clock-now={String(clock.now)}
            data-clock-speed={String(clock.speed)}
            data-clock-running={String(running)}
            datetime={clock.iso}
          >
            {clock.iso.replace("T", " ").slice(0, 23)}
          </time>
        </p>
        <dl class="facts">
          <dt>mode</dt>
          <dd>
            <code>{clock.mode}</code>
            {clock.mode === "realtime" ? ` × ${clock.speed}` : ""}
            {clock.paused ? <strong> · paused</strong> : null}
          </dd>
          <dt>scheduled</dt>
          <dd>{clock.pending} item(s) waiting in the clock's queue</dd>
        </dl>
        {clock.mode === "realtime" ? (
          <p>
            {clock.paused ? (
              <button type="button" data-api="/__emulator/clock/resume" data-done="resumed">
                Resume
              </button>
            ) : (
              <button type="button" class="secondary" data-api="/__emulator/clock/pause" data-done="paused">
                Pause
              </button>
            )}
          </p>
        ) : null}
      </div>
      <form class="inline" data-api="/__emulator/clock/advance" data-body="advance" data-done="advanced">
        <div class="field">
          <label for="advance-amount">Advance by</label>
          <input
            id="advance-amount"
            name="amount"
            type="number"
            min="0"
            step="any"
            value="1"
            required
            size={6}
          />
        </div>
        <div class="field">
          <label for="advance-unit">Unit</label>
          <select id="advance-unit" name="unit">
            <option value="1">ms</option>
            <option value="1000" selected>
              seconds
            </option>
            <option value="60000">minutes</option>
            <option value="3600000">hours</option>
            <option value="86400000">days</option>
          </select>
        </div>
        <button type="submit">Advance</button>
        <FormStatus />
      </form>
    </Card>
  );
}

/** The page. */
export function OverviewPage(props: {
  origin: string;
  host: UiHost;
  clock: ClockState;
  counts: Record<string, Record<JobPhase, number>>;
  tenants: Page & { tenants: TenantRow[] };
  faults: LiveRule[];
  recent: Page & { jobs: JobSummary[] };
  tenantOffset: number;
}) {
  return (
    <Layout title="Overview" section="overview">
      <div class="grid">
        <ClockCard clock={props.clock} />
        <Card title="Tenants" id="tenants" live>
          {props.tenants.tenants.length === 0 ? (
            <p class="empty">
              No keys yet: a key appears on its first request (or PUT /__emulator/tenants/:key).
            </p>
          ) : (
            <table>
              <Head cols={["Key", { label: "Balance", num: true }, { label: "Jobs", num: true }]} />
              <tbody>
                {props.tenants.tenants.map((t) => (
                  <tr>
                    <td>
                      <a href={tenantHref(t.key)}>{maskKey(t.key)}</a>
                      {t.registered ? <span class="muted"> · registered</span> : null}
                    </td>
                    <td class="num">{credits(t.balance)}</td>
                    <td class="num">{t.jobs}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager page={props.tenants} path={UI} query={{}} />
        </Card>
        <Card title="Active faults" id="active-faults" live>
          {props.faults.length === 0 ? (
            <p class="empty">No fault rules.</p>
          ) : (
            <ul>
              {props.faults.map((f) => (
                <li>
                  <code>{f.rule.action.type}</code> on {f.rule.provider ?? "any provider"}{" "}
                  <code>{f.rule.route ?? "*"}</code> · matched {f.seen}, fired {f.fired}
                </li>
              ))}
            </ul>
          )}
          <p>
            <a href={`${UI}/faults`}>Manage faults</a>
          </p>
        </Card>
        <Card title="Providers and their jobs" id="providers" live wide>
          <table>
            <Head cols={["Provider", "Base URL", ...PHASES.map((p) => ({ label: p, num: true }))]} />
            <tbody>
              {props.host.providers.map((p) => (
                <tr>
                  <td>
                    <a href={`${UI}/jobs?provider=${p.name}`}>{p.title}</a>
                  </td>
                  <td>
                    <code>{`${props.origin}/${p.name}`}</code>
                  </td>
                  {PHASES.map((phase) => (
                    <td class="num">{props.counts[p.name]?.[phase] ?? 0}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="Newest jobs" id="recent" live wide>
          <JobsTable jobs={props.recent.jobs} />
          <p>
            <a href={`${UI}/jobs`}>All {props.recent.total} jobs</a>
          </p>
        </Card>
        <Card title="State" id="state">
          <p class="muted">
            Drops every tenant, job, file and journal entry; restores the start-up faults and clock.
          </p>
          <button
            type="button"
            class="danger"
            data-api="/__emulator/reset"
            data-confirm="Reset all emulator state?"
            data-then="reload"
          >
            Reset everything
          </button>
        </Card>
      </div>
    </Layout>
  );
}
