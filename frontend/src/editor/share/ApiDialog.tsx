/** "API": curl examples to run this pipeline from other programs, with its id and inputs filled in. */
import { useState } from "react";
import type { Pipeline } from "../../shared/api/types";
import { tokensApi, type NewApiToken } from "../../data/tokens/api";
import { useGraph } from "../../graph/graphStore";
import { CopyButton } from "../../shared/ui/CopyField";
import { Dialog } from "../../shared/ui/Dialog";
import { useRunInputs } from "../../graph/runInputs";
import { curlExamples } from "./apiExamples";

export function ApiDialog({ pipeline, onClose }: { pipeline: Pipeline; onClose(): void }) {
  const doc = useGraph((s) => s.doc);
  const [token, setToken] = useState<NewApiToken | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputs = useRunInputs(doc);
  const examples = curlExamples({ origin: window.location.origin, pipelineId: pipeline.id, inputs, token: token?.token });

  async function createToken() {
    setBusy(true);
    setError(null);
    try {
      setToken(await tokensApi.create({ name: `${pipeline.name} (API)`.slice(0, 100), workspace: Number(pipeline.workspace) }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title="Use this pipeline from the API" onClose={onClose} wide>
      <div data-testid="api-dialog">
        <p>
          Pipeline id <code>{pipeline.id}</code>
          {inputs.length > 0 ? (
            <>
              {" "}· inputs{" "}
              {inputs.map((i, n) => (
                <span key={i.name}>
                  {n > 0 && ", "}
                  <code>{i.name}</code> ({i.type}{i.required ? ", required" : ""})
                </span>
              ))}
            </>
          ) : (
            " · no inputs"
          )}
          . Runs use the latest saved version{pipeline.latest_version ? ` (now v${pipeline.latest_version})` : ""}; add{" "}
          <code>"version": N</code> to the body to pin one.
        </p>
        {!pipeline.latest_version && (
          <p className="hint" role="note">
            This pipeline has no saved version yet: save one, or add <code>"draft": true</code> to run the draft.
          </p>
        )}
        {token ? (
          <p role="status">
            Your new token is filled in below. Copy it now: it is shown only once.{" "}
            <CopyButton text={token.token} label="Copy token" />
          </p>
        ) : (
          <p>
            Set <code>FOMO_TOKEN</code> to a personal API token, or{" "}
            <button type="button" className="btn btn-small" disabled={busy} onClick={() => void createToken()}>
              Create a token for this workspace
            </button>
          </p>
        )}
        {error && <p className="errors" role="alert">{error}</p>}
        {examples.map((e) => (
          <section key={e.id} data-example={e.id}>
            <h3 style={{ fontSize: 13, margin: "0.8rem 0 0.3rem", display: "flex", justifyContent: "space-between", alignItems: "center" }}>
              {e.title} <CopyButton text={e.command} />
            </h3>
            <pre className="value-text">{e.command}</pre>
          </section>
        ))}
        <p>
          Replace <code>RUN_ID</code> with the <code>id</code> a run answered. Everything else:{" "}
          <a href="/api/docs" target="_blank" rel="noreferrer">
            API reference
          </a>
          .
        </p>
      </div>
    </Dialog>
  );
}
