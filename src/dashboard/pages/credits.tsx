/**
 * Credits calculator: a provider, an endpoint and a request body in; the itemized breakdown out,
 * from the same `src/credits` functions the emulators charge with.
 */
import { CREDIT_ENDPOINTS, CREDIT_PROVIDERS } from "../../credits/estimate.js";
import type { CreditEstimate } from "../../credits/types.js";
import { Card, UI } from "../format.js";
import { Layout } from "../layout.js";
import { Breakdown } from "./job.js";

/** A body to start from, per provider. */
export const EXAMPLE_BODIES: Record<string, string> = {
  aitubo:
    '{\n  "prompt": "a lighthouse at dusk",\n  "count": 4,\n  "width": 768,\n  "height": 768,\n  "steps": 30\n}',
  tams: '{\n  "stages": [\n    { "type": "INPUT_INITIALIZE", "inputInitialize": { "seed": -1, "count": 2 } },\n    { "type": "DIFFUSION", "diffusion": { "width": 768, "height": 1024, "steps": 25, "prompts": [{ "text": "a fox" }] } }\n  ]\n}',
  aithriving:
    '{\n  "prompt": "a fox",\n  "steps": 30,\n  "width": 1024,\n  "height": 1024,\n  "samples": 2\n}',
  qolaba: '{\n  "app_id": "ap-SDXL",\n  "prompt": "a fox",\n  "batch": 2,\n  "num_inference_steps": 30\n}',
};

/** The calculator's input and answer. */
export interface CreditsForm {
  provider: string;
  endpoint: string;
  body: string;
  estimate?: CreditEstimate;
  error?: { field?: string; message: string };
}

/** The page. */
export function CreditsPage(props: { form: CreditsForm }) {
  const f = props.form;
  return (
    <Layout title="Credits calculator" section="credits">
      <div class="split">
        <Card title="Request" id="calc">
          <form method="get" action={`${UI}/credits`}>
            <p class="field">
              <label for="c-provider">Provider</label>
              <select id="c-provider" name="provider">
                {CREDIT_PROVIDERS.map((p) => (
                  <option value={p} selected={f.provider === p}>
                    {p}
                  </option>
                ))}
              </select>
            </p>
            <p class="field">
              <label for="c-endpoint">Endpoint</label>
              <select id="c-endpoint" name="endpoint">
                <option value="">recognise from the body</option>
                {CREDIT_PROVIDERS.map((p) => (
                  <optgroup label={p}>
                    {CREDIT_ENDPOINTS[p].map((e) => (
                      <option value={e} selected={f.endpoint === e && f.provider === p}>
                        {e}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </p>
            <p class="field">
              <label for="c-body">Request body (JSON, as the API takes it)</label>
              <textarea id="c-body" name="body" rows={12} spellcheck={false}>
                {f.body}
              </textarea>
            </p>
            <button type="submit">Estimate</button>
          </form>
        </Card>
        <Card title="Breakdown" id="calc-result">
          {f.error ? (
            <p class="form-status error" role="alert">
              {f.error.message}
            </p>
          ) : f.estimate ? (
            <>
              <p class="big">{f.estimate.total} credits</p>
              <Breakdown estimate={f.estimate} />
            </>
          ) : (
            <p class="empty">Fill in a body and press Estimate.</p>
          )}
        </Card>
      </div>
    </Layout>
  );
}
