/**
 * Canonical JSON: keys sorted at every depth, so two values that mean the same JSON write the
 * same text. Keys whose value is undefined are left out (as JSON.stringify does); a bare
 * undefined writes "undefined", so it never equals null.
 */
export function canonicalJson(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(",")}}`;
}

/** Equal as JSON, whatever the key order. */
export const sameValue = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
