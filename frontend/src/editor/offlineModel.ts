/** Whether a node answers from the offline model (no LLM): the rule behind the "offline model" labels. */
import type { JsonSchema } from "../shared/api/types";

/** Providers that run no LLM: `offline` (the extractive model of the templates) and `fake` (scripted). */
export const OFFLINE_PROVIDERS: ReadonlySet<string> = new Set(["offline", "fake"]);
/** The offline provider's model, as traces and usage name it. */
export const OFFLINE_MODEL = "offline-extractive";
export const OFFLINE_TEXT = "offline model — no LLM";
export const OFFLINE_TITLE = "Offline model — no LLM; connect a provider for real answers";

/** True when the node's provider field (its config value, else the schema's default) is an offline one,
 * or its model is `offline-extractive`. Nodes without a provider field are never offline. */
export function usesOfflineModel(config: Record<string, unknown>, schema?: JsonSchema): boolean {
  if (config.model === OFFLINE_MODEL) return true;
  const props = schema?.properties ?? {};
  const names = Object.keys(props).filter((k) => props[k]["x-widget"] === "provider");
  // Without the catalog (a trace page), the conventional field name is all there is to go on.
  if (!schema && typeof config.provider === "string") names.push("provider");
  return names.some((k) => {
    const v = config[k] ?? props[k]?.default;
    return typeof v === "string" && OFFLINE_PROVIDERS.has(v);
  });
}

/** The workspace's credentials page, where a provider's key is added; null without a workspace. */
export function credentialsHref(workspace: string | number | null | undefined): string | null {
  return workspace === null || workspace === undefined || workspace === "" ? null : `/workspaces/${workspace}/credentials/`;
}
