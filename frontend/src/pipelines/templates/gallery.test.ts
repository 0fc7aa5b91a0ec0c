import { describe, expect, it } from "vitest";
import type { Pipeline } from "../../shared/api/types";
import { createsNote, openAfterUse, showsOf } from "./gallery";

const qa = {
  slug: "document-qa",
  title: "Q&A over a document",
  description: "",
  pipelines: [
    { name: "Q&A: ingest a document", description: "" },
    { name: "Q&A: ask a question", description: "" },
  ],
};

describe("template gallery", () => {
  it("says a two-pipeline template creates both, in order", () => {
    expect(createsNote(qa)).toBe("Creates 2 pipelines: “Q&A: ingest a document” and “Q&A: ask a question” (run the first, then the second).");
    expect(createsNote({ ...qa, pipelines: qa.pipelines.slice(0, 1) })).toBe("Creates one pipeline.");
  });

  it("tags known templates and leaves unknown ones bare", () => {
    expect(showsOf(qa)).toContain("two pipelines");
    expect(showsOf({ ...qa, slug: "new-one" })).toEqual([]);
  });

  it("opens a single created pipeline at once and lists several", () => {
    const p = (id: string) => ({ id }) as Pipeline;
    expect(openAfterUse({ template: "chat", pipelines: [p("7")] })).toBe("/pipelines/7/");
    expect(openAfterUse({ template: "document-qa", pipelines: [p("7"), p("8")] })).toBeNull();
    expect(openAfterUse({ template: "x", pipelines: [] })).toBeNull();
  });
});
