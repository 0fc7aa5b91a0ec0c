/** "Embed": publishable keys of the chat widget for this pipeline (origins, rate limit, rotate, revoke). */
import { useCallback, useEffect, useState } from "react";
import type { Pipeline } from "../../shared/api/types";
import { teamApi, type EmbedKey } from "../../team/api";
import { Dialog } from "../../shared/ui/Dialog";
import { CopyButton } from "../../shared/ui/CopyField";
import { splitOrigins } from "./apiExamples";

export function EmbedDialog({ pipeline, onClose }: { pipeline: Pipeline; onClose(): void }) {
  const [keys, setKeys] = useState<EmbedKey[] | null>(null);
  const [origins, setOrigins] = useState("");
  const [rate, setRate] = useState(20);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setKeys(await teamApi.embedKeys(pipeline.id));
    } catch (e) {
      setError((e as Error).message);
      setKeys([]);
    }
  }, [pipeline]);

  useEffect(() => {
    void load();
  }, [load]);

  async function act(fn: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const live = (keys ?? []).filter((k) => !k.revoked);
  return (
    <Dialog title="Embed a chat widget" onClose={onClose} wide>
      <div data-testid="embed-dialog">
        <p>
          Put a chat bubble on your own site: visitors' messages go to this pipeline's latest saved version and the answer
          streams back. A key works only for this pipeline, only on the origins you list, and only up to its rate limit.
        </p>
        {error && <p className="errors" role="alert">{error}</p>}
        {keys === null ? (
          <p>Loading…</p>
        ) : (
          live.map((k) => (
            <section key={k.id} data-testid="embed-key" style={{ borderTop: "1px solid var(--border)", paddingTop: "0.6rem", marginTop: "0.6rem" }}>
              <p style={{ margin: "0 0 0.3rem" }}>
                <strong>{k.label || "Widget key"}</strong> · {k.allowed_origins.join(", ")} · {k.rate_per_minute}/min
                {k.last_used_at ? ` · last used ${new Date(k.last_used_at).toLocaleString()}` : " · not used yet"}
              </p>
              <pre className="value-text" data-testid="embed-script">{k.script}</pre>
              <div className="dialog-actions" style={{ marginTop: "0.4rem" }}>
                <CopyButton text={k.script} label="Copy script tag" />
                <CopyButton text={k.iframe} label="Copy iframe" />
                <button
                  className="btn btn-small"
                  disabled={busy}
                  onClick={() => {
                    if (confirm("Rotate this key? Pages using the current key stop working until you update their script tag."))
                      void act(() => teamApi.rotateEmbedKey(pipeline.id, k.id));
                  }}
                >
                  Rotate
                </button>
                <button
                  className="btn btn-small"
                  disabled={busy}
                  onClick={() => {
                    if (confirm("Revoke this key? The widget stops answering at once.")) void act(() => teamApi.revokeEmbedKey(pipeline.id, k.id));
                  }}
                >
                  Revoke
                </button>
              </div>
            </section>
          ))
        )}
        <form
          style={{ borderTop: "1px solid var(--border)", paddingTop: "0.6rem", marginTop: "0.6rem" }}
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              await teamApi.createEmbedKey(pipeline.id, splitOrigins(origins), rate);
              setOrigins("");
            });
          }}
        >
          <h3 style={{ fontSize: 14, margin: "0 0 0.4rem" }}>New key</h3>
          <label htmlFor="embed-origins">Allowed origins (one per line, e.g. https://www.example.com)</label>
          <textarea id="embed-origins" className="input" rows={2} style={{ width: "100%" }} value={origins} onChange={(e) => setOrigins(e.target.value)} />
          <label htmlFor="embed-rate">Messages per minute (all visitors together)</label>{" "}
          <input id="embed-rate" className="input" type="number" min={1} max={600} value={rate} onChange={(e) => setRate(Number(e.target.value))} />
          <div className="dialog-actions">
            <button className="btn btn-primary" type="submit" disabled={busy || splitOrigins(origins).length === 0}>
              Create key
            </button>
          </div>
        </form>
      </div>
    </Dialog>
  );
}
