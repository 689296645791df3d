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
                page.fill('input[name="duration_days"]', "4")
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
