"""``groupsim serve``: workspace confinement, escaping, inline validation, and the strategist's flow in Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed (pip install 'groupsim[serve]')")
from starlette.testclient import TestClient  # noqa: E402

from sim.cli.serve.app import make_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EVIL = '<script>alert("x")</script>'


def small(ruleset: str, name: str = "small spam") -> str:
    """The bundled unmoderated-spam scenario, short and small, under ``ruleset``."""
    text = (ROOT / "scenarios" / "unmoderated_spam.yaml").read_text(encoding="utf-8")
    return (text.replace("ruleset: none", f"ruleset: {ruleset}").replace("duration_days: 30", "duration_days: 4")
            .replace("initial_members: 200", "initial_members: 30").replace("name: unmoderated spam", f"name: {name}"))


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(make_app(tmp_path / "ws", workers=1)) as c:
        yield c


def test_uploads_stay_in_the_workspace_and_bad_files_are_refused(client: TestClient, tmp_path: Path) -> None:
    res = client.post("/upload", files={"file": ("../../../outside.yaml", small("no_ads_kick"), "text/yaml")},
                      follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/design/upload/outside"
    assert (tmp_path / "ws" / "uploads" / "outside.yaml").exists() and not (tmp_path / "outside.yaml").exists()
    bad = client.post("/upload", files={"file": ("bad.yaml", small("none") + f"'{EVIL}': 1\n", "text/yaml")})
    assert bad.status_code == 422 and EVIL not in bad.text and "&lt;script&gt;" in bad.text
    assert not (tmp_path / "ws" / "uploads" / "bad.yaml").exists()
    assert client.get("/results/..%2F..%2Fetc/report/passwd").status_code == 404
    assert client.get("/design/bundled/..%2Fpyproject").status_code == 404


def test_the_form_comes_from_the_schema_and_shows_errors_inline(client: TestClient) -> None:
    page = client.get("/design/bundled/unmoderated_spam")
    assert page.status_code == 200
    for field in ("duration_days", "group.capacity", "group.arrivals.rate_per_day", "group.entry.policy"):
        assert f'name="{field}"' in page.text
    res = client.post("/design/bundled/unmoderated_spam",
                      data={"duration_days": "-3", "name": EVIL, "_against": "bundled/unmoderated_spam", "_seeds": "4"})
    assert res.status_code == 200 and "run comparison" in res.text  # the form again, with its errors
    block = res.text[res.text.index('name="duration_days"'):]
    assert 'class="error"' in block[:600]  # the message sits next to its field
    assert EVIL not in res.text and "&lt;script&gt;" in res.text


def test_list_fields_are_rows_that_can_be_added_removed_and_edited(client: TestClient, tmp_path: Path) -> None:
    page = client.get("/design/bundled/unmoderated_spam")
    for name in ('population.2.role', 'population.2.count', 'population.2._more', 'group.activities._rows',
                 'objective.guards._rows', 'diurnal'):
        assert f'name="{name}"' in page.text
    assert "{ad_rate: {dist: uniform, high: 30, low: 15}" in page.text.replace("&#x27;", "'")  # params: the row's YAML cell
    rows = {"population._rows": "1", "_against": "bundled/unmoderated_spam", "_seeds": "2",
            "population.0._row": "1", "population.0.role": "member", "population.0.share": "1",
            # row 1 (the operator) removed; a new row 7 added, with a negative rate in its YAML cell
            "population.2._row": "1", "population.2.role": "ad_spammer", "population.2.count": "3",
            "population.2._more": "{params: {ad_rate: 20}}",
            "population.7._row": "1", "population.7.role": "member", "population.7.name": "newcomers",
            "population.7.share": "0.2", "population.7._more": "{params: {post_rate: -1}}",
            "objective.guards._rows": "1", "objective.guards.0._row": "1", "objective.guards.0.metric": "alive",
            "objective.guards.0.tolerance": "0.1", "objective.primary": "ad_exposure"}
    res = client.post("/design/bundled/unmoderated_spam", data=rows)
    assert res.status_code == 200 and "run comparison" in res.text
    pop = res.text[res.text.index('id="l-population"'):]
    pop = pop[:pop.index("</tbody>")]
    assert pop.count('<tr class="row') == 3  # the removed row is gone, the added one is there
    bad = pop[pop.index('data-index="2"'):]  # the new row, now third: its problem sits in its YAML cell
    assert 'class="more bad"' in bad and "params.post_rate" in bad and "negative" in bad
    rows["population.7._more"] = "{params: {post_rate: 0.5}}"
    res = client.post("/design/bundled/unmoderated_spam", data={**rows, "objective.guards.0.metric": "alivee"})
    guards = res.text[res.text.index('id="l-objective-guards"'):]
    assert "not in the metrics catalogue" in guards[:guards.index("</tbody>")]  # a list item's problem, inline too
    res = client.post("/design/bundled/unmoderated_spam", data=rows, follow_redirects=False)
    assert res.status_code == 303, res.text
    from rules import read_yaml

    edited = read_yaml(tmp_path / "ws" / "designs" / "unmoderated_spam-edited.yaml").data
    assert [(r["role"], r.get("name"), r.get("count"), r.get("share")) for r in edited["population"]] == [
        ("member", None, None, 1.0), ("ad_spammer", None, 3, None), ("member", "newcomers", None, 0.2)]
    assert edited["population"][2]["params"] == {"post_rate": 0.5}
    assert edited["objective"] == {"primary": "ad_exposure", "guards": [{"metric": "alive", "tolerance": 0.1}]}
    hostile = client.post("/design/bundled/unmoderated_spam", data={**rows, "population.7.name": EVIL,
                                                                   "population.7._more": f"{{params: {{post_rate: -1}}, x: '{EVIL}'}}"})
    assert hostile.status_code == 200 and EVIL not in hostile.text and "&lt;script&gt;" in hostile.text  # list cells escape too
    unreadable = client.post("/design/bundled/unmoderated_spam", data={**rows, "population.2._more": "{params: [1"})
    assert unreadable.status_code == 200 and "not YAML" in unreadable.text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_the_strategist_flow_in_headless_chromium(tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("headless Chromium is not installed (Debian package `chromium`; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    uvicorn = pytest.importorskip("uvicorn")
    shots = Path(os.environ.get("GROUPSIM_ARTIFACTS", tmp_path / "artifacts"))
    shots.mkdir(parents=True, exist_ok=True)
    upload = tmp_path / "kick_small.yaml"
    upload.write_text(small("no_ads_kick", "kick on ad 踢广告"), encoding="utf-8")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(make_app(tmp_path / "ws", workers=1), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    problems: list[str] = []
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"])
            try:
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                page = ctx.new_page()
                page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
                page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
                page.goto(base + "/")
                assert "unmoderated_spam" in page.inner_text("body")
                page.screenshot(path=str(shots / "serve-designs.png"))
                page.set_input_files('input[name="file"]', str(upload))  # upload a scenario: its design page opens
                page.click("form[action='/upload'] button")
                page.wait_for_url("**/design/upload/kick_small")
                page.fill('input[name="duration_days"]', "-1")  # a wrong value: the error shows next to the field
                page.click("#run")
                page.wait_for_selector(".field.bad .error")
                page.screenshot(path=str(shots / "serve-form-error.png"), full_page=False)
                # a list field: add a population row (its YAML cell wrong at first), add and remove another,
                # and a guard-rail row with the objective's primary metric
                page.click("#l-population .add-row")
                page.click("#l-population .add-row")
                assert page.locator("#l-population tbody tr").count() == 5
                page.click("#l-population tbody tr:last-child .remove-row")
                assert page.locator("#l-population tbody tr").count() == 4
                new = page.locator("#l-population tbody tr").nth(3)
                new.locator('select[aria-label="role"]').select_option("member")
                new.locator('input[aria-label="name"]').fill("newcomers 新人")
                new.locator('input[aria-label="share"]').fill("0.2")
                new.locator('input[aria-label="more"]').fill("{params: {post_rate: -1}}")
                page.click("#l-objective-guards .add-row")
                guard = page.locator("#l-objective-guards tbody tr").nth(0)
                guard.locator('input[aria-label="metric"]').fill("alive")
                guard.locator('input[aria-label="tolerance"]').fill("0.5")
                page.fill('input[name="objective.primary"]', "ad_exposure")
                page.fill('input[name="duration_days"]', "4")
                page.click("#run")
                page.wait_for_selector("#l-population tr.bad td.more .error")  # the row's problem, in its cell
                assert "negative" in page.inner_text("#l-population tr.bad td.more")
                page.screenshot(path=str(shots / "serve-list-error.png"), full_page=True)
                page.locator("#l-population tr.bad td.more input").fill("{params: {post_rate: 0.05}}")
                page.fill('input[name="name"]', "ad window 广告时段")
                page.select_option("#f-ruleset", "ad_window")
                page.select_option("#against", "upload/kick_small")
                page.fill("#seeds", "4")
                page.click("#run")
                page.wait_for_url("**/results/*")
                page.wait_for_selector("#verdict", timeout=120_000)  # the progress page reloads itself when done
                verdict = page.inner_text("#verdict")
                assert "wins" in verdict or "No detectable difference" in verdict
                assert "ad views" in page.inner_text("table.side")
                assert "objective declared in the objective: section of kick_small-edited.yaml" in page.inner_text("main")
                assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
                page.screenshot(path=str(shots / "serve-verdict.png"), full_page=True)
                with page.expect_download() as dl:
                    page.click("#download")
                assert dl.value.suggested_filename.endswith(".zip")
                other = ctx.new_page()  # a second tab sees the same results
                other.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
                other.goto(base + "/results")
                assert "kick_small vs ad window 广告时段 (edited)" in other.inner_text("table")
                other.screenshot(path=str(shots / "serve-results.png"))
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert problems == []
