"""Teams and sharing in Chromium, through the real stack (daphne, a Celery worker, Redis):

alice makes a workspace from the list page and an invite link on its settings page; bob accepts
it in his own browser and sees the workspace's pipeline as an editor; alice makes him a viewer
(and cannot demote herself, the last owner) and his editor turns read-only on reload. alice shares
the pipeline with its runs; an anonymous browser opens the link and sees the canvas and a run's
trace. alice creates an API token on the tokens page, and a plain HTTP client runs the pipeline
with it."""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from builder.graph_doc import GraphDoc
from tests.e2e.conftest import ConsoleErrors, log_in
from tests.integration.stack import USERS, Api

pytestmark = pytest.mark.e2e


def team_graph() -> dict[str, Any]:
    g = GraphDoc()
    g.node("topic", "input", {"name": "topic", "type": "text", "required": False, "default": "otters"})
    g.node("prompt", "prompt.template", {"template": "Write one line about {{ topic }}."})
    g.node("llm", "llm.chat", {"provider": "fake", "model": "fake-small", "latency_ms": 10})
    g.node("out", "output", {"name": "line"})
    g.edge("topic", "value", "prompt", "topic")
    g.edge("prompt", "text", "llm", "prompt")
    g.edge("llm", "text", "out", "value")
    return g.doc()


def wait_run(api: Api, run_id: int, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = api.get(f"/api/runs/{run_id}").json()
        if run["status"] in ("succeeded", "failed", "cancelled"):
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not finish")


def new_page(browser: Browser, errors: ConsoleErrors) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    errors.watch(page)
    return page


def test_invite_roles_share_link_and_api_token(
        alice_page: Page, alice_api: Api, browser: Browser, base_url: str, artifacts: Path,
        console_errors: ConsoleErrors) -> None:
    page = alice_page
    # A workspace from the list page's picker; its settings page opens.
    page.get_by_label("Workspace", exact=True).select_option(label="New workspace…")
    dialog = page.get_by_role("dialog", name="New workspace")
    name = f"Otter Lab {int(time.time() * 1000) % 100000}"
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_role("button", name="Create workspace").click()
    page.wait_for_url(re.compile(r"/workspaces/\d+/settings/$"))
    ws = int(page.url.rstrip("/").split("/")[-2])
    resp = alice_api.post("/api/pipelines", {"name": "Otter lines", "workspace": ws, "graph": team_graph()})
    assert resp.status_code == 201, resp.text
    pipeline = resp.json()
    assert alice_api.post(f"/api/pipelines/{pipeline['id']}/versions", {"message": "v1"}).status_code == 201

    # An invite link for an editor, copied from the page.
    page.get_by_label("Role of the invite").select_option("editor")
    page.get_by_role("button", name="Create invite link").click()
    link = page.get_by_label("Invite link", exact=True).input_value()
    assert re.fullmatch(rf"{re.escape(base_url)}/invites/[^/]+/", link), link
    expect(page.get_by_label("Invite link list").get_by_text("active")).to_be_visible()
    page.screenshot(path=str(artifacts / "team-settings.png"), full_page=True)

    # bob accepts in his own browser and lands on the workspace's pipelines, as an editor.
    bob = new_page(browser, console_errors)
    try:
        log_in(bob, base_url, "bob")
        bob.goto(link)
        bob.get_by_role("button", name="Accept invitation").click()
        bob.wait_for_url(f"{base_url}/?workspace={ws}")
        expect(bob.get_by_label("Workspace", exact=True)).to_have_value(str(ws))
        expect(bob.get_by_role("link", name="Otter lines", exact=True)).to_be_visible()
        expect(bob.get_by_role("link", name="Settings", exact=True)).to_be_visible()
        expect(bob.locator(".list-head .badge")).to_have_text("editor")
        bob.screenshot(path=str(artifacts / "team-list-bob.png"))
        bob.get_by_role("link", name="Otter lines", exact=True).click()
        bob.wait_for_url(re.compile(rf"/pipelines/{pipeline['id']}/$"))
        expect(bob.get_by_test_id("save-state")).to_have_text("Saved")
        expect(bob.get_by_label("Pipeline name")).to_be_enabled()

        # alice makes bob a viewer; demoting herself, the last owner, is refused with the reason.
        page.reload()
        expect(page.locator("tr[data-member=bob]")).to_be_visible()
        page.get_by_label("Role of bob").select_option("viewer")
        expect(page.get_by_label("Role of bob")).to_have_value("viewer")
        page.get_by_label("Role of alice").select_option("editor")
        expect(page.get_by_test_id("member-problem")).to_contain_text("at least one owner")
        expect(page.get_by_label("Role of alice")).to_have_value("owner")
        console_errors.clear()  # the browser logs that refusal's 400; nothing else may fail
        expect(page.get_by_test_id("activity")).to_contain_text("changed bob from editor to viewer")
        page.screenshot(path=str(artifacts / "team-settings-roles.png"), full_page=True)

        bob.reload()
        expect(bob.get_by_test_id("save-state")).to_have_text("Read-only")
        expect(bob.get_by_label("Pipeline name")).to_be_disabled()
        bob.goto(f"{base_url}/workspaces/{ws}/settings/")
        expect(bob.get_by_label("Role of bob")).to_have_count(0)  # viewers see roles, cannot change them
        expect(bob.locator("tr[data-member=bob]")).to_contain_text("viewer")
    finally:
        bob.context.close()

    # A run, then a share link with runs from the editor's Share dialog.
    run = alice_api.start_run(pipeline["id"], {"topic": "river otters"})
    assert wait_run(alice_api, run["id"])["status"] == "succeeded"
    page.goto(f"{base_url}/pipelines/{pipeline['id']}/")
    page.get_by_role("button", name="Share", exact=True).click()
    share = page.get_by_role("dialog", name="Share")
    share.get_by_label("include runs").check()
    share.get_by_role("button", name="Create link").click()
    shared_url = share.get_by_label("Share link", exact=True).input_value()
    assert re.fullmatch(rf"{re.escape(base_url)}/share/[^/]+/", shared_url), shared_url
    expect(share.get_by_label("Share link list")).to_contain_text("included")
    page.screenshot(path=str(artifacts / "team-share-dialog.png"))
    share.get_by_role("button", name="Close").click()

    # Anyone with the link: the canvas and the run's trace, read-only, and nothing to log in for.
    anon = new_page(browser, console_errors)
    try:
        anon.goto(shared_url)
        expect(anon.locator(".react-flow__node")).to_have_count(4, timeout=15_000)
        expect(anon.get_by_text("Read-only · shared")).to_be_visible()
        expect(anon.get_by_role("button", name="Log in to duplicate")).to_be_visible()
        anon.get_by_role("button", name=f"Run {run['id']}").click()
        expect(anon.get_by_test_id("run-status")).to_have_text("succeeded")
        expect(anon.get_by_test_id("run-outputs")).to_contain_text("line")
        anon.locator(".react-flow__node").filter(has_text="LLM chat").locator(".fnode-head").click()
        expect(anon.get_by_test_id("inspector")).to_contain_text("succeeded")
        anon.screenshot(path=str(artifacts / "team-shared-run.png"))
        # Duplicating takes a login, then comes back to the link and copies it into charlie's workspace.
        anon.get_by_role("button", name="Log in to duplicate").click()
        anon.wait_for_url(re.compile(r"/login/\?next=%2Fshare%2F"))
        anon.fill("input[name=username]", "charlie")
        anon.fill("input[name=password]", USERS["charlie"])
        anon.click("form [type=submit]")
        anon.wait_for_url(shared_url)
        anon.get_by_role("button", name="Duplicate into my workspace").click()
        anon.wait_for_url(re.compile(r"/pipelines/\d+/$"))
        expect(anon.get_by_label("Pipeline name")).to_have_value(re.compile("Otter lines"))
        copy_id = int(anon.url.rstrip("/").rsplit("/", 1)[1])
        assert copy_id != pipeline["id"]
    finally:
        anon.context.close()

    # An API token from the tokens page runs the pipeline from a plain HTTP client.
    page.goto(f"{base_url}/settings/tokens/")
    page.get_by_label("Token name").fill("e2e CI")
    page.get_by_label("Workspace scope").select_option(str(ws))
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_test_id("new-token")).to_contain_text("you won't see it again")
    token = page.get_by_label("New API token").input_value()
    assert token.startswith("fomo_")
    expect(page.locator("tr[data-token='e2e CI']")).to_contain_text(name)
    page.screenshot(path=str(artifacts / "team-tokens.png"), full_page=True)
    answer = httpx.post(f"{base_url}/api/pipelines/{pipeline['id']}/run?wait=10",
                        json={"inputs": {"topic": "sea otters"}}, headers={"Authorization": f"Bearer {token}"},
                        timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "succeeded" and answer.json()["outputs"]["line"]
    page.reload()
    expect(page.locator("tr[data-token='e2e CI']")).not_to_contain_text("never")  # last used now
    assert console_errors == []


def test_import_on_the_list_page_flags_unbound_credentials_and_explains_bad_files(
        alice_page: Page, alice_api: Api, base_url: str, artifacts: Path, tmp_path: Path,
        console_errors: ConsoleErrors) -> None:
    page = alice_page
    personal = next(w["id"] for w in alice_api.get("/api/workspaces").json() if w["personal"])
    team = alice_api.post("/api/workspaces", {"name": "Import source"}).json()["id"]
    cred = alice_api.post(f"/api/workspaces/{team}/credentials",
                          {"provider": "openai", "name": "team key", "secret": "sk-e2e-import-0123456789"})
    assert cred.status_code == 201, cred.text
    g = GraphDoc()
    g.node("q", "input", {"name": "q", "type": "text"})
    g.node("llm", "llm.chat", {"provider": "openai", "model": "gpt-4o-mini", "credential": str(cred.json()["id"])})
    g.node("a", "output", {"name": "a"})
    g.edge("q", "value", "llm", "prompt")
    g.edge("llm", "text", "a", "value")
    made = alice_api.post("/api/pipelines", {"name": "Keyed answers", "workspace": team, "graph": g.doc()}).json()
    exported = alice_api.get(f"/api/pipelines/{made['id']}/export")
    assert exported.status_code == 200 and "sk-e2e-import" not in exported.text
    good = tmp_path / "keyed.fomo.json"
    good.write_bytes(exported.content)
    bad = tmp_path / "broken.json"
    bad.write_text('{"fomo_export": 1, "pipeline": ')

    page.goto(f"{base_url}/?workspace={personal}")
    expect(page.get_by_label("Workspace", exact=True)).to_have_value(str(personal))
    page.get_by_test_id("import-file").set_input_files(str(bad))
    # The 400's own message (which character of the file is wrong) is shown.
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"broken\.json: .*JSON.*char 31"))
    console_errors.clear()  # the browser logs the refused upload's 400
    page.get_by_test_id("import-file").set_input_files(str(good))
    result = page.get_by_test_id("import-result")
    expect(result).to_contain_text("Imported Keyed answers")
    expect(page.get_by_test_id("unbound")).to_contain_text("node llm")
    expect(page.get_by_role("link", name="Keyed answers", exact=True).first).to_be_visible()
    page.screenshot(path=str(artifacts / "team-import.png"), full_page=True)
    assert console_errors == []
