/**
 * One tenant (API key): its balance (editable), its ledger with what each entry was for, its jobs
 * and its uploads.
 */
import type { JobSummary, Page, TenantDetail } from "../control.js";
import { Card, credits, dateTime, FormStatus, Head, maskKey, Pager, tenantHref } from "../format.js";
import { Layout } from "../layout.js";
import { JobsTable } from "./jobs.js";

/** The page. */
export function TenantPage(props: {
  tenant: TenantDetail;
  jobs: Page & { jobs: JobSummary[] };
  ledger: { offset: number; limit: number };
}) {
  const { tenant } = props;
  const href = tenantHref(tenant.key);
  // Newest first; the ledger keeps its most recent entries.
  const entries = [...tenant.ledger].reverse();
  const ledgerPage = { total: entries.length, offset: props.ledger.offset, limit: props.ledger.limit };
  const uploads = tenant.files.filter((f) => f.kind === "upload");
  return (
    <Layout title={`Tenant ${maskKey(tenant.key)}`} section="tenant">
      <div class="grid">
        <Card title="Balance" id="tenant-balance">
          <div id="balance" data-live="">
            <p class="big">{credits(tenant.balance)} credits</p>
            <p class="muted">
              {tenant.registered ? "registered" : "made up on first use"} · {tenant.jobs} job(s)
            </p>
          </div>
          <form
            class="inline"
            data-api={`/__emulator/tenants/${encodeURIComponent(tenant.key)}`}
            data-method="PUT"
            data-body="balance"
            data-done="balance set"
          >
            <div class="field">
              <label for="balance-input">New balance</label>
              <input
                id="balance-input"
                name="balance"
                type="number"
                min="0"
                step="0.01"
                value={String(tenant.balance)}
                required
              />
            </div>
            <button type="submit">Set balance</button>
            <FormStatus />
          </form>
        </Card>
        <Card title={`Uploads (${uploads.length})`} id="uploads" live>
          {uploads.length === 0 ? (
            <p class="empty">No uploads.</p>
          ) : (
            <ul>
              {uploads.slice(0, 100).map((f) => (
                <li>
                  <a href={`/__emulator/files/${f.provider}/${f.path}`}>
                    {f.provider}: <code>{f.path}</code>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Ledger" id="ledger" live wide>
          {entries.length === 0 ? (
            <p class="empty">No charges yet.</p>
          ) : (
            <table>
              <Head
                cols={[
                  "Time",
                  "Kind",
                  { label: "Amount", num: true },
                  { label: "Balance after", num: true },
                  "For",
                ]}
              />
              <tbody>
                {entries.slice(ledgerPage.offset, ledgerPage.offset + ledgerPage.limit).map((e) => (
                  <tr>
                    <td>{dateTime(e.at)}</td>
                    <td>{e.kind}</td>
                    <td class="num">
                      {e.kind === "charge" ? "−" : e.kind === "refund" ? "+" : "="}
                      {credits(e.amount)}
                    </td>
                    <td class="num">{credits(e.balanceAfter)}</td>
                    <td>{e.memo}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager
            page={ledgerPage}
            path={href}
            query={{ offset: props.jobs.offset || undefined }}
            param="ledger"
          />
        </Card>
        <Card title={`Jobs (${props.jobs.total})`} id="tenant-jobs" live wide>
          <JobsTable jobs={props.jobs.jobs} showTenant={false} />
          <Pager page={props.jobs} path={href} query={{ ledger: props.ledger.offset || undefined }} />
        </Card>
      </div>
    </Layout>
  );
}
