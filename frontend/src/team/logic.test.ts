import { describe, expect, it } from "vitest";
import type { RunDetail } from "../shared/api/types";
import {
  expiresAt,
  expiryText,
  linkStatus,
  liveFromDetail,
  memberActions,
  nextBefore,
  settingsWorkspaceFromPath,
  sharePageUrl,
  shareTokenFromPath,
  unboundMessage,
  workspaceFromQuery,
} from "./logic";

const NOW = Date.parse("2026-11-26T12:00:00Z");

describe("link status", () => {
  it("says revoked before expired, and expires by the clock too", () => {
    expect(linkStatus({ revoked: true, expired: true, expires_at: null }, NOW)).toBe("revoked");
    expect(linkStatus({ revoked: false, expired: true, expires_at: null }, NOW)).toBe("expired");
    expect(linkStatus({ revoked: false, expires_at: "2026-11-26T11:59:00Z" }, NOW)).toBe("expired");
    expect(linkStatus({ revoked: false, expires_at: "2026-11-27T00:00:00Z" }, NOW)).toBe("active");
    expect(linkStatus({ revoked: false, expires_at: null }, NOW)).toBe("active");
  });
});

describe("paths", () => {
  it("builds and reads share page addresses", () => {
    expect(sharePageUrl("http://127.0.0.1:8000", "ab_c-1")).toBe("http://127.0.0.1:8000/share/ab_c-1/");
    expect(shareTokenFromPath("/share/ab_c-1/")).toBe("ab_c-1");
    expect(shareTokenFromPath("/share/a/b/")).toBeNull();
    expect(shareTokenFromPath("/api/share/x")).toBeNull();
  });

  it("reads the settings page's workspace", () => {
    expect(settingsWorkspaceFromPath("/workspaces/12/settings/")).toBe(12);
    expect(settingsWorkspaceFromPath("/workspaces/12/credentials/")).toBeNull();
  });

  it("honours ?workspace= only for the user's workspaces", () => {
    const mine = [{ id: 3, name: "Team", personal: false, role: "editor" as const }];
    expect(workspaceFromQuery("?workspace=3", mine)).toBe(3);
    expect(workspaceFromQuery("?workspace=4", mine)).toBeNull();
    expect(workspaceFromQuery("?workspace=3", null)).toBe(3);
    expect(workspaceFromQuery("?workspace=3x", mine)).toBeNull();
    expect(workspaceFromQuery("", mine)).toBeNull();
  });
});

describe("member actions", () => {
  it("lets owners change roles and remove others, and anyone leave", () => {
    expect(memberActions("owner", "alice", { username: "bob" })).toEqual({ changeRole: true, remove: true, leave: false });
    expect(memberActions("owner", "alice", { username: "alice" })).toEqual({ changeRole: true, remove: false, leave: true });
    expect(memberActions("editor", "bob", { username: "alice" })).toEqual({ changeRole: false, remove: false, leave: false });
    expect(memberActions("viewer", "vera", { username: "vera" })).toEqual({ changeRole: false, remove: false, leave: true });
  });
});

describe("expiry", () => {
  it("turns a choice into an ISO date and describes dates", () => {
    expect(expiresAt(null, NOW)).toBeUndefined();
    expect(expiresAt(7, NOW)).toBe("2026-12-03T12:00:00.000Z");
    expect(expiryText(null, NOW)).toBe("never");
    expect(expiryText("2026-11-29T12:00:00Z", NOW)).toBe("in 3 days");
    expect(expiryText("2026-11-26T10:00:00Z", NOW)).toBe("2 hours ago");
    expect(expiryText("2026-11-26T12:01:00Z", NOW)).toBe("in 1 minute");
  });
});

describe("paging and messages", () => {
  it("pages the activity list by the last id while pages are full", () => {
    expect(nextBefore([{ id: 9 }, { id: 7 }], 2)).toBe(7);
    expect(nextBefore([{ id: 9 }], 2)).toBeNull();
    expect(nextBefore([], 2)).toBeNull();
  });

  it("names the nodes whose credentials were stripped", () => {
    expect(unboundMessage([])).toBeNull();
    expect(unboundMessage([{ node: "llm", field: "credential" }, { node: "llm", field: "x" }])).toMatch(/node llm:/);
    expect(unboundMessage([{ node: "a" }, { node: "b" }])).toMatch(/nodes a, b/);
  });
});

describe("a shared run's trace", () => {
  it("rebuilds node states, outputs and timing from the recorded node runs", () => {
    const detail = {
      id: "7", status: "failed", last_seq: 12, attempt: 1, duration_ms: 900, started_at: "2026-11-26T12:00:00Z",
      finished_at: "2026-11-26T12:00:01Z", outputs: null, error: "boom", usage: null, cost: 0.01,
      nodes: [
        { node_id: "a", item: null, status: "succeeded", inputs: {}, outputs: { text: "hi" }, error: null, attempts: 1,
          started_at: "2026-11-26T12:00:00Z", finished_at: "2026-11-26T12:00:00.5Z", duration_ms: 500, usage: null, cost: null },
        { node_id: "b", item: 0, status: "failed", inputs: {}, outputs: null, error: { kind: "x", message: "boom" }, attempts: 2,
          started_at: "2026-11-26T12:00:00.5Z", finished_at: null, duration_ms: null, usage: null, cost: null },
      ],
    } as unknown as RunDetail;
    const live = liveFromDetail(detail);
    expect(live.status).toBe("failed");
    expect(live.lastSeq).toBe(12);
    expect(live.nodes.a.state).toBe("succeeded");
    expect(live.nodes.a.outputsPreview).toEqual({ text: "hi" });
    expect(live.nodes.a.startedAt).toBe(NOW / 1000);
    expect(live.nodes.b.state).toBe("failed");
    expect(live.nodes.b.error?.message).toBe("boom");
    expect(live.nodes.b.items).toBe(1);
  });
});
