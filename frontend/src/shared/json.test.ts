import { describe, expect, it } from "vitest";
import { canonicalJson, sameValue } from "./json";

describe("canonical JSON", () => {
  it("writes keys sorted at every depth", () => {
    expect(canonicalJson({ b: 1, a: { d: null, c: [2, { y: 1, x: 0 }] } })).toBe('{"a":{"c":[2,{"x":0,"y":1}],"d":null},"b":1}');
  });

  it("leaves out keys whose value is undefined, as JSON does, but tells undefined from null", () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(sameValue(undefined, null)).toBe(false);
    expect(sameValue({ a: null }, {})).toBe(false);
  });

  it("calls values equal whatever their key order", () => {
    expect(sameValue({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue("1", 1)).toBe(false);
  });
});
