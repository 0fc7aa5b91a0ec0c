import { describe, expect, it } from "vitest";
import { curlExamples, exampleValue, shellQuote, splitOrigins } from "./apiExamples";

describe("the inputs of a pipeline", () => {
  it("fills each input with its default or a value of its type", () => {
    expect(exampleValue({ name: "tier", type: "text", required: false, default: "free" })).toBe("free");
    expect(exampleValue({ name: "user_question", type: "text", required: true, default: null })).toBe("your user question");
    expect(exampleValue({ name: "f", type: "json", required: true, default: null })).toEqual({});
    expect(exampleValue({ name: "xs", type: "list[text]", required: true, default: null })).toEqual([]);
    expect(exampleValue({ name: "m", type: "messages", required: true, default: null })).toEqual([{ role: "user", content: "Hello" }]);
  });
});

describe("curl examples", () => {
  const inputs = [{ name: "question", type: "text", required: true, default: "It's late?" }];

  it("quotes for the shell, including single quotes", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it("runs with ?wait=, without, streams and reads the status, for this pipeline and its inputs", () => {
    const ex = curlExamples({ origin: "http://fomo.test:8000/", pipelineId: 42, inputs });
    expect(ex.map((e) => e.id)).toEqual(["run-wait", "run", "stream", "status"]);
    expect(ex[0].command).toContain("'http://fomo.test:8000/api/pipelines/42/run?wait=30'");
    expect(ex[0].command).toContain(`-d '{"inputs":{"question":"It'\\''s late?"}}'`);
    expect(ex[1].command).toContain("'http://fomo.test:8000/api/pipelines/42/run'");
    expect(ex[1].command).not.toContain("wait=");
    expect(ex[2].command).toContain("/api/runs/RUN_ID/stream");
    expect(ex[2].command).toContain("-N");
    expect(ex[3].command).toContain("'http://fomo.test:8000/api/runs/RUN_ID'");
    for (const e of ex) expect(e.command).toContain(`-H "Authorization: Bearer $FOMO_TOKEN"`);
  });

  it("puts a token in when one was just created", () => {
    const ex = curlExamples({ origin: "http://x", pipelineId: "7", inputs: [], token: "fomo_ab12cd34_s3cret" });
    expect(ex[0].command).toContain(`-H 'Authorization: Bearer fomo_ab12cd34_s3cret'`);
    expect(ex[0].command).toContain(`-d '{"inputs":{}}'`);
  });
});

describe("the embed dialog's origins", () => {
  it("splits on lines, commas and spaces and drops blanks", () => {
    expect(splitOrigins(" https://a.io\nhttp://b.io:81, https://c.io  \n\n")).toEqual(["https://a.io", "http://b.io:81", "https://c.io"]);
    expect(splitOrigins("   ")).toEqual([]);
  });
});
