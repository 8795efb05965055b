/**
 * Faults: the rules with how often each matched and fired; add one (validated by the control
 * plane with the same schema as `PUT /__emulator/faults`), remove one or all.
 */
import type { UiHost } from "../../emulators/core/server.js";
import type { LiveRule } from "../control.js";
import { Card, FormStatus, Head, maskKey } from "../format.js";
import { Layout } from "../layout.js";

/** The action types the schema knows, with what each does. */
const ACTIONS = [
  ["error", "answer an HTTP error in the provider's shape"],
  ["rate-limit", "answer 429 with Retry-After"],
  ["latency", "delay the answer (wall-clock ms)"],
  ["drop", "drop the connection"],
  ["fail-job", "the job fails"],
  ["hang-job", "the job never finishes"],
  ["slow-job", "the job takes longer"],
  ["nsfw", "results flagged NSFW"],
] as const;

/** A rule's action in words. */
function describeAction(a: LiveRule["rule"]["action"]): string {
  switch (a.type) {
    case "error":
      return `error ${a.status}${a.message ? `: ${a.message}` : ""}`;
    case "latency":
      return `latency ${a.ms} ms`;
    case "rate-limit":
      return `rate-limit, Retry-After ${a.retryAfter}`;
    case "slow-job":
      return `slow-job ×${a.factor}`;
    case "fail-job":
      return `fail-job${a.reason ? `: ${a.reason}` : ""}`;
    default:
      return a.type;
  }
}

/** The page. */
export function FaultsPage(props: { host: UiHost; rules: LiveRule[] }) {
  return (
    <Layout title="Faults" section="faults">
      <div class="grid">
        <Card title={`Rules (${props.rules.length})`} id="rules" live wide>
          {props.rules.length === 0 ? (
            <p class="empty">No fault rules: every request is answered normally.</p>
          ) : (
            <table>
              <Head
                cols={[
                  "#",
                  "Provider",
                  "Route",
                  "Key",
                  "When",
                  "Action",
                  { label: "Matched", num: true },
                  { label: "Fired", num: true },
                  "remove",
                ]}
              />
              <tbody>
                {props.rules.map((r, i) => (
                  <tr data-rule={String(i)}>
                    <td>{r.rule.id ?? i}</td>
                    <td>{r.rule.provider ?? "any"}</td>
                    <td>
                      <code>{r.rule.route ?? "*"}</code>
                    </td>
                    <td>{r.rule.key ? maskKey(r.rule.key) : "any"}</td>
                    <td>
                      {[
                        r.rule.nth !== undefined ? `call #${r.rule.nth}` : "",
                        r.rule.times !== undefined ? `at most ${r.rule.times}×` : "",
                        r.rule.probability !== undefined ? `p=${r.rule.probability}` : "",
                      ]
                        .filter(Boolean)
                        .join(", ") || "always"}
                    </td>
                    <td>{describeAction(r.rule.action)}</td>
                    <td class="num">{r.seen}</td>
                    <td class="num">{r.fired}</td>
                    <td>
                      <button
                        type="button"
                        class="danger"
                        data-api={`/__emulator/faults/${i}`}
                        data-method="DELETE"
                        data-done="removed"
                        aria-label={`Remove rule ${i}`}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {props.rules.length ? (
            <p>
              <button
                type="button"
                class="danger"
                data-api="/__emulator/faults"
                data-method="DELETE"
                data-confirm="Remove every fault rule?"
                data-done="all removed"
              >
                Remove all
              </button>
            </p>
          ) : null}
        </Card>
        <Card title="Add a rule" id="add-rule" wide>
          <form class="inline" data-api="/__emulator/faults" data-body="fault" data-done="rule added">
            <div class="field">
              <label for="f-provider">Provider</label>
              <select id="f-provider" name="provider">
                <option value="">any</option>
                {props.host.providers.map((p) => (
                  <option value={p.name}>{p.title}</option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-method">Method</label>
              <select id="f-method" name="method">
                <option value="">any</option>
                {["GET", "POST", "PUT", "DELETE"].map((m) => (
                  <option>{m}</option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-path">Path (glob, after the provider prefix)</label>
              <input id="f-path" name="path" placeholder="/api/job/create" size={22} />
            </div>
            <div class="field">
              <label for="f-key">Only for API key</label>
              <input id="f-key" name="key" autocomplete="off" size={14} />
            </div>
            <div class="field">
              <label for="f-type">Action</label>
              <select id="f-type" name="type">
                {ACTIONS.map(([type, what]) => (
                  <option value={type}>
                    {type}: {what}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-status">HTTP status (error)</label>
              <input id="f-status" name="status" type="number" value="503" size={5} />
            </div>
            <div class="field">
              <label for="f-message">Message / reason</label>
              <input id="f-message" name="message" size={18} />
            </div>
            <div class="field">
              <label for="f-ms">Latency ms</label>
              <input id="f-ms" name="ms" type="number" size={6} />
            </div>
            <div class="field">
              <label for="f-retryAfter">Retry-After s</label>
              <input id="f-retryAfter" name="retryAfter" type="number" size={4} />
            </div>
            <div class="field">
              <label for="f-factor">Slow factor</label>
              <input id="f-factor" name="factor" type="number" step="any" size={4} />
            </div>
            <div class="field">
              <label for="f-nth">Only call #</label>
              <input id="f-nth" name="nth" type="number" size={4} />
            </div>
            <div class="field">
              <label for="f-times">At most times</label>
              <input id="f-times" name="times" type="number" size={4} />
            </div>
            <div class="field">
              <label for="f-probability">Probability</label>
              <input id="f-probability" name="probability" type="number" step="any" size={4} />
            </div>
            <button type="submit">Add rule</button>
            <FormStatus />
          </form>
          <p class="muted">
            The control plane checks the rule with the schema of <code>PUT /__emulator/faults</code> and names
            the field it refuses.
          </p>
        </Card>
      </div>
    </Layout>
  );
}
