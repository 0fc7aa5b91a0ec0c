/**
 * The one way the app calls its server (docs/api.md): a same-origin fetch with the session
 * cookie, Django's CSRF header on unsafe methods, any body, and one error shape. Every route
 * module builds on `request`; nothing else calls fetch.
 *
 * Bodies: `undefined` sends none; a `FormData` goes as multipart (the browser sets the
 * boundary); a `Blob` goes as is with its own type (a file's text, not re-encoded); anything
 * else is sent as JSON.
 */

/** Every refusal: an HTTP error, or the server not reached (`status` 0, `code` "network"). */
export class ApiError extends Error {
  /** Messages by field: a validation 400's `{field: [messages]}`, or the `field` a domain error names. */
  readonly fields: Record<string, string>;
  /** The keyed problems of `details.errors` (graph errors, import lines, experiment problems), as sent. */
  readonly errors: unknown[];

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server's `details`, as sent (a 409's current revision, …). */
    readonly details?: any,
  ) {
    super(message);
    this.name = "ApiError";
    this.fields = fieldsOf(message, details);
    this.errors = isObject(details) && Array.isArray(details.errors) ? details.errors : [];
  }
}

export type RequestBody = FormData | Blob | object | string | number | boolean | null | undefined;

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

function readCookie(name: string, cookie: string = typeof document === "undefined" ? "" : document.cookie): string | null {
  for (const part of cookie.split(";")) {
    const [k, ...rest] = part.trim().split("=");
    if (k === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

export async function request<T>(method: string, url: string, body?: RequestBody): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body instanceof Blob) {
    payload = body;
    if (body.type) headers["Content-Type"] = body.type;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  if (!SAFE.has(method)) {
    const token = readCookie("csrftoken");
    if (token) headers["X-CSRFToken"] = token;
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, credentials: "same-origin", body: payload });
  } catch {
    throw new ApiError(0, "network", "Could not reach the server; check the connection and try again.");
  }
  if (res.status === 204) return undefined as T;
  const data = parseJson(await res.text());
  if (!res.ok) {
    const err = isObject(data) && isObject(data.error) ? data.error : null;
    const message = typeof err?.message === "string" && err.message ? err.message : fallbackMessage(res.status);
    throw new ApiError(res.status, typeof err?.code === "string" ? err.code : `http_${res.status}`, message, err?.details);
  }
  return data as T;
}

/** What a refusal says when its body is not the server's error (a proxy's page, an empty 413). */
function fallbackMessage(status: number): string {
  if (status === 401 || status === 403) return "Not allowed: log in again, or ask for access.";
  if (status === 404) return "Not found.";
  if (status === 413) return "Too large for the server.";
  if (status === 429) return "Too many requests; try again in a moment.";
  if (status >= 500) return `The server failed (HTTP ${status}); try again in a moment.`;
  return `The request was refused (HTTP ${status}).`;
}

function fieldsOf(message: string, details: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(details) || Array.isArray(details.errors)) return out;
  if (typeof details.field === "string") return { [details.field]: message };
  for (const [k, v] of Object.entries(details)) {
    if (typeof v === "string") out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === "string")) out[k] = v.join(" ");
  }
  return out;
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isObject(v: unknown): v is Record<string, any> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}
