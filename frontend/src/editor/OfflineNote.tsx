/** The small "offline model — no LLM · connect a provider" line of nodes that run no LLM. */
import { useCredentials } from "./settings/credentialPicker";
import { OFFLINE_TEXT, OFFLINE_TITLE, credentialsHref } from "./offlineModel";

/** `workspace` defaults to the one the credential picker loaded (the editor's). */
export function OfflineNote({ workspace, className = "" }: { workspace?: string | number | null; className?: string }) {
  const loaded = useCredentials((s) => s.workspace);
  const href = credentialsHref(workspace ?? loaded);
  return (
    <div className={`offline-note ${className}`} data-testid="offline-note" title={OFFLINE_TITLE}>
      <span className="badge badge-offline">{OFFLINE_TEXT}</span>
      {href && (
        <>
          {" "}
          <a href={href} target="_blank" rel="noreferrer" className="nodrag">connect a provider</a>
        </>
      )}
    </div>
  );
}
