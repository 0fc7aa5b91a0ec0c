/// <reference types="node" />
/**
 * The API client against a real HTTP server on 127.0.0.1: what goes on the wire for each kind of
 * body, and the one error shape every refusal comes back as.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, request } from "./client";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base = "";
let seen: Seen[] = [];
/** The server's next answer: status, body, content type. */
let answer: { status: number; body: string; type?: string } = { status: 200, body: "{}" };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(answer.status, answer.body ? { "Content-Type": answer.type ?? "application/json" } : {});
      res.end(answer.body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((ok) => server.close(() => ok()));
  vi.unstubAllGlobals();
});

beforeEach(() => {
  seen = [];
  answer = { status: 200, body: '{"ok": true}' };
  vi.stubGlobal("document", { cookie: "sessionid=s; csrftoken=tok%3D1" });
});

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error("the request did not fail");
}

describe("request() bodies", () => {
  it("sends an object as JSON with the CSRF token from the cookie", async () => {
    expect(await request("POST", `${base}/api/x`, { name: "a", n: [1] })).toEqual({ ok: true });
    const [r] = seen;
    expect(r.method).toBe("POST");
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.headers["x-csrftoken"]).toBe("tok=1");
    expect(JSON.parse(r.body)).toEqual({ name: "a", n: [1] });
  });

  it("sends no CSRF token and no body on a GET", async () => {
    await request("GET", `${base}/api/x?q=1`);
    const [r] = seen;
    expect(r.url).toBe("/api/x?q=1");
    expect(r.headers["x-csrftoken"]).toBeUndefined();
    expect(r.headers["content-type"]).toBeUndefined();
    expect(r.body).toBe("");
  });

  it("sends a form as multipart, with the CSRF token", async () => {
    const form = new FormData();
    form.append("file", new Blob(["hello"], { type: "text/plain" }), "notes.txt");
    form.append("name", "Notes");
    await request("POST", `${base}/api/upload`, form);
    const [r] = seen;
    expect(r.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(r.headers["x-csrftoken"]).toBe("tok=1");
    expect(r.body).toContain('filename="notes.txt"');
    expect(r.body).toContain("hello");
    expect(r.body).toContain('name="name"');
  });

  it("sends a blob as is, typed as the blob says (a file's text, not re-encoded)", async () => {
    const text = '{ "fomo": "pipeline",\n  "name": "x" }';
    await request("POST", `${base}/api/import`, new Blob([text], { type: "application/json" }));
    const [r] = seen;
    expect(r.body).toBe(text);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.headers["x-csrftoken"]).toBe("tok=1");
  });

  it("answers undefined for a 204 and null for an empty or non-JSON success", async () => {
    answer = { status: 204, body: "" };
    expect(await request("DELETE", `${base}/api/x/1`)).toBeUndefined();
    answer = { status: 200, body: "not json", type: "text/plain" };
    expect(await request("GET", `${base}/api/x`)).toBeNull();
  });
});

describe("request() errors", () => {
  it("carries the server's code, message and details", async () => {
    const stale = { current_revision: 4, updated_by: "bob", updated_at: "2025-01-01T00:00:00Z", graph: { schema: 1, nodes: [], edges: [] } };
    answer = { status: 409, body: JSON.stringify({ error: { code: "stale_revision", message: "Someone saved first.", details: stale } }) };
    const e = await refusal(request("PUT", `${base}/api/pipelines/1/draft`, {}));
    expect([e.status, e.code, e.message]).toEqual([409, "stale_revision", "Someone saved first."]);
    expect(e.details).toEqual(stale);
  });

  it("gives a validation 400's messages by field", async () => {
    answer = { status: 400, body: JSON.stringify({ error: { code: "invalid", message: "base_url: Start with http.", details: { base_url: ["Start with http.", "Or https."], name: ["Taken."] } } }) };
    const e = await refusal(request("POST", `${base}/api/workspaces/1/credentials`, {}));
    expect(e.fields).toEqual({ base_url: "Start with http. Or https.", name: "Taken." });
    expect(e.errors).toEqual([]);
  });

  it("names the field a domain error points at", async () => {
    answer = { status: 400, body: JSON.stringify({ error: { code: "invalid", message: "session: 8-64 letters.", details: { field: "session" } } }) };
    const e = await refusal(request("POST", `${base}/api/x`, {}));
    expect(e.fields).toEqual({ session: "session: 8-64 letters." });
  });

  it("lists keyed errors (graph, import lines) and keeps them out of the fields", async () => {
    const errors = [{ code: "missing_input", message: "Connect prompt.", node: "n1", edge: null, field: "prompt" }];
    answer = { status: 400, body: JSON.stringify({ error: { code: "invalid_graph", message: "Connect prompt.", details: { errors } } }) };
    const e = await refusal(request("POST", `${base}/api/x`, {}));
    expect(e.errors).toEqual(errors);
    expect(e.fields).toEqual({});
  });

  it("says what failed when the body is not the server's error (a proxy's 502 page)", async () => {
    answer = { status: 502, body: "<html>Bad gateway</html>", type: "text/html" };
    const e = await refusal(request("GET", `${base}/api/x`));
    expect([e.status, e.code]).toEqual([502, "http_502"]);
    expect(e.message).toMatch(/server.*502/i);
    answer = { status: 413, body: "" };
    expect((await refusal(request("POST", `${base}/api/x`, new FormData()))).message).toMatch(/too large/i);
  });

  it("turns an unreachable server into an ApiError with status 0", async () => {
    const e = await refusal(request("GET", "http://127.0.0.1:9/api/x"));
    expect([e.status, e.code]).toEqual([0, "network"]);
    expect(e.message).toMatch(/could not reach the server/i);
  });
});
