/** The run form's half of the inputs: a typed-in value parsed for its port type (graph/runInputs.ts lists them). */

/** Parse a form value for a port type: text stays text, everything else is JSON. */
export function parseInput(type: string, raw: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (type === "text" || type === "any") {
    if (type === "any") {
      try {
        return { ok: true, value: JSON.parse(raw) };
      } catch {
        return { ok: true, value: raw };
      }
    }
    return { ok: true, value: raw };
  }
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (e) {
    return { ok: false, error: `Expected JSON for ${type}: ${(e as Error).message}` };
  }
}
