"""Scenario g: hypothesis-generated graph documents, run inputs, import files and API payloads
against the live API. No answer may be a 5xx, and a refused import or create leaves nothing behind."""
from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaos.common import ChaosStack, Result
from tests.integration.graphs import llm_chain

NODE_TYPES = ["input", "output", "llm.chat", "prompt.template", "text.split", "text.join", "router", "merge",
              "json.extract", "embed", "vector.query", "http.request", "nonexistent.type", ""]
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63),
                      st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                             st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                          max_leaves=12)
ident = st.one_of(st.sampled_from(["a", "b", "c", "in", "out"]), st.text(max_size=8))
node = st.fixed_dictionaries({"id": ident, "type": st.sampled_from(NODE_TYPES)},
                             optional={"version": st.one_of(st.integers(-1, 3), json_leaf),
                                       "config": st.one_of(st.dictionaries(st.text(max_size=12), json_value,
                                                                           max_size=5), json_value),
                                       "position": json_value, "map": json_value, "label": json_value,
                                       "timeout_s": json_leaf, "retry": json_value, "pinned": json_value})
edge = st.fixed_dictionaries({"id": ident, "source": ident, "source_port": ident, "target": ident,
                              "target_port": ident})
graph = st.one_of(
    st.fixed_dictionaries({"schema": st.one_of(st.just(1), json_leaf), "nodes": st.lists(node, max_size=6),
                           "edges": st.lists(edge, max_size=6)}),
    json_value,
)


def fuzz(cs: ChaosStack, examples: int = 100) -> Result:
    res = Result("fuzz")
    api = cs.stack.client("alice")
    base = api.create_pipeline(llm_chain(2, 0), name="fuzz-base")
    ws_id = next(w["id"] for w in api.get("/api/workspaces").json() if w["personal"])
    cases = 0
    errors: list[str] = []

    def record(what: str, resp: Any) -> None:
        nonlocal cases
        cases += 1
        if resp.status_code >= 500:
            errors.append(f"{what}: {resp.status_code} {resp.text[:200]}")

    def count_pipelines() -> int:
        return len(api.get("/api/pipelines", params={"workspace": ws_id}).json())

    opts = settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))

    @opts
    @given(graph)
    def graphs(doc: Any) -> None:
        record("validate", api.post(f"/api/pipelines/{base['id']}/validate", {"graph": doc}))
        current = api.get(f"/api/pipelines/{base['id']}").json()["revision"]
        record("draft", api.put(f"/api/pipelines/{base['id']}/draft", {"graph": doc, "base_revision": current}))
        before = count_pipelines()
        resp = api.post("/api/pipelines", {"name": "fz", "graph": doc})
        record("create", resp)
        if resp.status_code >= 400 and count_pipelines() != before:
            errors.append("a refused create left a pipeline behind")

    @opts
    @given(json_value)
    def run_inputs(inputs: Any) -> None:
        record("run", api.post(f"/api/pipelines/{base['id']}/runs", {"inputs": inputs}))

    export = api.get(f"/api/pipelines/{base['id']}/export", params={"versions": 1}).json()

    @opts
    @given(st.one_of(json_value, st.builds(lambda g, k, v: {**export, "pipeline": {**export["pipeline"],
                                                                                    "graph": g}, k: v},
                                           graph, st.text(max_size=10), json_value)))
    def imports(body: Any) -> None:
        before = count_pipelines()
        resp = api.post(f"/api/workspaces/{ws_id}/import", body)
        record("import", resp)
        if resp.status_code >= 400 and count_pipelines() != before:
            errors.append("a refused import left a pipeline behind")

    @opts
    @given(json_value, st.sampled_from(["/api/pipelines", f"/api/pipelines/{base['id']}/versions",
                                        "/api/workspaces", f"/api/workspaces/{ws_id}/documents",
                                        "/api/node-types/ports", f"/api/pipelines/{base['id']}/share-links"]))
    def payloads(body: Any, path: str) -> None:
        record(path, api.post(path, body))

    for test in (graphs, run_inputs, imports, payloads):
        test()
    res.check(not errors, f"{len(errors)} server errors, e.g. {errors[:3]}")
    res.figure("fuzz_cases", cases, "requests")
    res.figure("fuzz_server_errors", len(errors), "errors")
    res.notes["errors"] = errors[:5]
    return res
