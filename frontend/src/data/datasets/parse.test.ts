import { describe, expect, it } from "vitest";
import { detectFormat, parseCsv, parsePaste } from "./parse";

describe("detectFormat", () => {
  it("reads JSONL when the first non-blank line opens an object", () => {
    expect(detectFormat('\n  {"q": 1}\n')).toBe("jsonl");
    expect(detectFormat("q,expected\nhi,yes")).toBe("csv");
  });
});

describe("parseCsv", () => {
  it("keeps quoted commas, doubled quotes and newlines, with the line each record starts on", () => {
    const { records, error } = parseCsv('a,b\n"x, y","say ""hi"""\n"two\nlines",z\r\nlast,1');
    expect(error).toBeNull();
    expect(records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x, y", 'say "hi"'] },
      { line: 3, fields: ["two\nlines", "z"] },
      { line: 5, fields: ["last", "1"] },
    ]);
  });
  it("reports an unterminated quote on the line it opens", () => {
    expect(parseCsv('a\n"open\nnever closed').error).toEqual({ line: 2, message: "Unterminated quoted field." });
  });
  it("skips blank lines", () => {
    expect(parseCsv("a\n\n1\n").records.map((r) => r.line)).toEqual([1, 3]);
  });
});

describe("parsePaste", () => {
  it("maps CSV columns to inputs and the expected column to expected", () => {
    const p = parsePaste("question,expected\nWhat is 2+2?,4\nCapital of France?,Paris");
    expect(p.format).toBe("csv");
    expect(p.columns).toEqual(["question"]);
    expect(p.expectedColumn).toBe("expected");
    expect(p.rows).toEqual([
      { line: 2, inputs: { question: "What is 2+2?" }, expected: "4" },
      { line: 3, inputs: { question: "Capital of France?" }, expected: "Paris" },
    ]);
    expect(p.errors).toEqual([]);
  });
  it("names the line of a CSV row with the wrong number of fields", () => {
    const p = parsePaste("q,expected\nok,1\ntoo,many,fields\n");
    expect(p.errors).toEqual([{ line: 3, message: "Expected 2 fields, found 3." }]);
    expect(p.rows).toHaveLength(1);
  });
  it("flags duplicate and empty header names and a missing chosen expected column", () => {
    const p = parsePaste("q,q,\n1,2,3", { expectedColumn: "answer" });
    expect(p.errors.map((e) => e.message)).toEqual(["Duplicate column “q”.", "Column 3 has no name.", "No column “answer”."]);
  });
  it("reads JSONL in both shapes and reports bad lines by number", () => {
    const text = ['{"inputs": {"q": "a"}, "expected": "x"}', '{"q": "b", "expected": "y"}', "not json", "[1]", '{"inputs": 3}'].join("\n");
    const p = parsePaste(text);
    expect(p.format).toBe("jsonl");
    expect(p.rows).toEqual([
      { line: 1, inputs: { q: "a" }, expected: "x" },
      { line: 2, inputs: { q: "b" }, expected: "y" },
    ]);
    expect(p.errors.map((e) => e.line)).toEqual([3, 4, 5]);
    expect(p.errors[2]).toMatchObject({ field: "inputs" });
    expect(p.columns).toEqual(["q"]);
  });
  it("stringifies a non-string expected value from JSONL", () => {
    expect(parsePaste('{"q": 1, "expected": {"a": 1}}').rows[0].expected).toBe('{"a":1}');
  });
  it("enforces the cell size limit with line and column", () => {
    const p = parsePaste(`q\n${"x".repeat(100_001)}`);
    expect(p.errors).toEqual([{ line: 2, field: "q", message: "Longer than 100000 characters." }]);
  });
  it("says so when there is no header", () => {
    expect(parsePaste("").errors).toEqual([{ line: 1, message: "No header row." }]);
  });
});
