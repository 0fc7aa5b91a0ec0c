import { describe, expect, it } from "vitest";
import { formatBytes, uploadProblem } from "./documents";

describe("document uploads", () => {
  it("refuses files the server would refuse", () => {
    expect(uploadProblem("notes.md", 10)).toBeNull();
    expect(uploadProblem("BOOK.PDF", 10)).toBeNull();
    expect(uploadProblem("x.docx", 10)).toMatch(/only .txt/);
    expect(uploadProblem("big.txt", 11 * 1024 * 1024)).toMatch(/limit is 10.0 MB/);
    expect(uploadProblem("e.txt", 0)).toMatch(/empty/);
    expect(formatBytes(2048)).toBe("2.0 KB");
  });
});
