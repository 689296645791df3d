"""The ``groupsim serve`` web app: Starlette routes rendering plain HTML on the server.

Why Starlette: a small, maintained ASGI toolkit (the core of FastAPI) that
needs no build step, no websocket client and no internet; pages are server
rendered (every user string through :func:`html.escape`), one small script of
our own (``static/app.js``) polls a job's progress. Runs go to a background
thread that uses the CLI's executors (:mod:`sim.cli.serve.jobs`), so a page
never waits on a simulation. Every file the app reads or writes lies inside the
workspace folder (uploads, edited designs, results) or the bundled scenarios.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from rules import InputError
from sim.cli.serve import forms, lists
from sim.cli.serve.jobs import STORE, job_state, start_compare

STATIC = Path(__file__).parent / "static"
_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,80}$")
MAX_UPLOAD = 1_000_000
e = html.escape


def bundled_dir() -> Path:
    import scenarios

    return Path(scenarios.__file__).parent


class Workspace:
    """The folder the app may write: uploads/, designs/ (edited scenarios), results/ (one folder per job)."""

    def __init__(self, root: Path, workers: int | None) -> None:
        self.root = root.resolve()
        self.workers = workers
        for sub in ("uploads", "designs", "results"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def inside(self, path: Path) -> Path:
        """``path`` resolved, or ValueError if it lies outside the workspace."""
        p = path.resolve()
        if not p.is_relative_to(self.root):
            raise ValueError("outside the workspace")
        return p

    def designs(self) -> list[tuple[str, str, Path]]:
        """(source, name, file) of every bundled and uploaded scenario."""
        out = [("bundled", p.stem, p) for p in sorted(bundled_dir().glob("*.yaml"))]
        out += [("upload", p.stem, p) for p in sorted((self.root / "uploads").glob("*.yaml"))]
        return out

    def design(self, source: str, name: str) -> Path:
        for s, n, p in self.designs():
            if s == source and n == name:
                return p
        raise KeyError(name)

    def job(self, job: str) -> Path:
        if not _NAME.match(job) or not (self.root / "results" / job / "job.json").exists():
            raise KeyError(job)
        return self.inside(self.root / "results" / job)


def _cjk_font() -> Path | None:
    """The bundled CJK font (noto-cjk-sans-otc), served so Chinese shows without a system font."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    return path if path.exists() else None


def _rulesets() -> list[str]:
    return ["none", *sorted(p.stem for p in (bundled_dir() / "rulesets").glob("*.yaml") if p.stem != "none")]


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    """A whole page: the navigation, the body (already escaped) and the app's script."""
    return HTMLResponse(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(title)} · groupsim</title>'
        '<link rel="stylesheet" href="/static/app.css"></head><body>'
        '<nav><a href="/">designs</a> <a href="/results">results</a></nav>'
        f"<main><h1>{e(title)}</h1>{body}</main><script src=\"/static/app.js\"></script></body></html>", status_code=status)


def _yaml(path: Path) -> dict[str, Any]:
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _dump(data: dict[str, Any]) -> str:
    from ruamel.yaml import YAML

    buf = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, buf)
    return buf.getvalue()


def make_app(workspace: Path, workers: int | None = 1) -> Starlette:
    """The app over ``workspace`` (created if missing); runs use ``workers`` processes (1: in the job thread)."""
    ws = Workspace(workspace, workers)

    async def home(request: Request) -> HTMLResponse:
        items = "".join(f'<li><a href="/design/{s}/{e(n)}">{e(n)}</a> <small>{e(s)}</small></li>' for s, n, _ in ws.designs())
        upload = ('<form method="post" action="/upload" enctype="multipart/form-data"><label>Upload a scenario (YAML) '
                  '<input type="file" name="file" accept=".yaml,.yml"></label> <button>upload</button></form>')
        return page("Designs", f"<p>Pick a design to edit and run, or upload one.</p>{upload}<ul class=\"designs\">{items}</ul>")

    async def upload(request: Request) -> Response:
        async with request.form() as form:
            f = form.get("file")
            if f is None or isinstance(f, str):
                return page("Upload", '<p class="error">Choose a file.</p>', 400)
            data = await f.read(MAX_UPLOAD + 1)
            filename = str(f.filename or "upload")
        if len(data) > MAX_UPLOAD:
            return page("Upload", '<p class="error">The file is larger than 1 MB.</p>', 413)
        stem = re.sub(r"[^A-Za-z0-9_\-]", "_", Path(filename).stem)[:60].strip("_") or "upload"
        target = ws.inside(ws.root / "uploads" / f"{stem}.yaml")  # the name is cleaned: no path can leave uploads/
        target.write_bytes(data)
        try:
            from sim.spec.scenario import load_scenario

            load_scenario(target)
        except InputError as exc:
            target.unlink(missing_ok=True)
            return page("Upload", f'<p class="error">Not a valid scenario:</p><pre class="error">{e(str(exc))}</pre>', 422)
        return RedirectResponse(f"/design/upload/{stem}", status_code=303)

    def design_page(source: str, name: str, data: dict[str, Any], errors: dict[str, list[str]], status: int = 200,
                    other: str = "", seeds: int = 10) -> HTMLResponse:
        fields, tables = forms.schema_fields(), lists.list_fields()
        choices = "".join(f'<option value="{s}/{e(n)}"{" selected" if f"{s}/{n}" == other else ""}>{e(n)} ({s})</option>'
                          for s, n, _ in ws.designs())
        general = "".join(f'<p class="error" role="alert">{e(k + ": " if k else "")}{e(m)}</p>'
                          for k, ms in errors.items() if not _shown(k, fields, tables) for m in ms)
        current = data.get("ruleset") if isinstance(data.get("ruleset"), str) else ""
        rs = "".join(f'<option{" selected" if r == current else ""}>{e(r)}</option>' for r in _rulesets())
        rs_errors = "".join(f'<span class="error" role="alert">{e(m)}</span>' for m in errors.get("ruleset", []))
        ruleset = (f'<div class="field"><label for="f-ruleset">ruleset</label><select id="f-ruleset" name="ruleset">'
                   f'<option value="">(as in the file)</option>{rs}</select>{rs_errors}</div>')
        body = (f'<form method="post" class="design">{general}<fieldset><legend>parameters (from the JSON Schema)</legend>'
                f"{ruleset}{forms.render(fields, data, errors)}</fieldset>"
                f"<fieldset><legend>lists (rows of the file's lists)</legend>{lists.render_lists(tables, data, errors)}</fieldset>"
                "<fieldset><legend>compare</legend>"
                f'<label for="against">against</label><select id="against" name="_against">{choices}</select>'
                f'<label for="seeds">paired seeds</label><input id="seeds" name="_seeds" value="{seeds}">'
                '</fieldset><button id="run">run comparison</button></form>')
        return page(f"{name}", body, status)

    async def design(request: Request) -> Response:
        source, name = request.path_params["source"], request.path_params["name"]
        try:
            path = ws.design(source, name)
        except KeyError:
            return page("Not found", "<p>No such design.</p>", 404)
        if request.method == "GET":
            return design_page(source, name, _yaml(path), {})
        async with request.form() as sent:
            form = {k: str(v) for k, v in sent.items()}
        data = forms.apply(_yaml(path), form, forms.schema_fields())
        unreadable = lists.apply_lists(data, form, lists.list_fields())
        if form.get("ruleset") in _rulesets():
            data["ruleset"] = form["ruleset"]
        other = form.get("_against", "")
        if unreadable:
            return design_page(source, name, data, unreadable, 200, other)
        try:
            seeds = int(form.get("_seeds", "10"))
            if not 2 <= seeds <= 200:
                raise ValueError
        except ValueError:
            return design_page(source, name, data, {"": ["paired seeds: a whole number from 2 to 200"]}, 200, other)
        edited = ws.inside(ws.root / "designs" / f"{name}-edited.yaml")
        edited.write_text(_dump(data), encoding="utf-8")
        from sim.spec.scenario import load_scenario

        try:
            load_scenario(edited)
        except InputError as exc:
            return design_page(source, name, data, forms.problems_by_field(exc), 200, other, seeds)
        try:
            against = ws.design(*other.split("/", 1))
        except (KeyError, TypeError):
            return design_page(source, name, data, {"": ["choose a design to compare against"]}, 200, other, seeds)
        label = str(data.get("name") or name)
        job = start_compare(ws.root / "results", [against, edited], [other.split("/", 1)[1], f"{label} (edited)"], seeds,
                            ws.workers)
        return RedirectResponse(f"/results/{job}", status_code=303)

    async def results(request: Request) -> HTMLResponse:
        rows = []
        for root in sorted((ws.root / "results").iterdir(), key=lambda p: p.stat().st_mtime, reverse=True):
            if (root / "job.json").exists():
                s = job_state(root)
                rows.append(f'<tr><td><a href="/results/{e(s["id"])}">{e(" vs ".join(s["labels"]))}</a></td>'
                            f'<td>{e(s["status"])}</td><td>{s["done"]} / {s["total"]}</td></tr>')
        table = "<table><tr><th>comparison</th><th>status</th><th>runs</th></tr>" + "".join(rows) + "</table>"
        return page("Results", table if rows else "<p>No results yet.</p>")

    async def result(request: Request) -> Response:
        try:
            root = ws.job(request.path_params["job"])
        except KeyError:
            return page("Not found", "<p>No such result.</p>", 404)
        s = job_state(root)
        title = " vs ".join(s["labels"])
        if s["status"] in ("queued", "running"):
            return page(title, f'<p id="status" data-job="{e(s["id"])}">{e(s["status"])}: '
                               f'<span id="done">{s["done"]}</span> of {s["total"]} runs</p>'
                               f'<progress id="progress" value="{s["done"]}" max="{s["total"]}"></progress>')
        if s["status"] == "failed":
            return page(title, f'<p class="error">The comparison failed: {e(s["error"])}</p>')
        return page(title, _result_body(root / STORE, s))

    async def status(request: Request) -> Response:
        try:
            return JSONResponse(job_state(ws.job(request.path_params["job"])))
        except KeyError:
            return JSONResponse({"error": "no such result"}, status_code=404)

    async def files(request: Request) -> Response:
        try:
            root = ws.job(request.path_params["job"])
            path = ws.inside(root / STORE / "report" / request.path_params["path"])
        except (KeyError, ValueError):
            return Response("not found", status_code=404)
        if not path.is_relative_to(root / STORE / "report") or not path.is_file():
            return Response("not found", status_code=404)
        return FileResponse(path)

    async def download(request: Request) -> Response:
        try:
            root = ws.job(request.path_params["job"]) / STORE
        except KeyError:
            return Response("not found", status_code=404)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted((root / "report").rglob("*")):
                if p.is_file():
                    z.write(p, p.relative_to(root).as_posix())
            for name in ("verdict.json", "comparison.json", "manifest.json"):
                if (root / name).exists():
                    z.write(root / name, name)
        return Response(buf.getvalue(), media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="groupsim-{root.parent.name}.zip"'})

    async def font(request: Request) -> Response:
        path = _cjk_font()
        if path is None:
            return Response("no CJK font installed", status_code=404)
        return FileResponse(path, media_type="font/collection", headers={"Cache-Control": "max-age=86400"})

    routes = [
        Route("/font/cjk", font),
        Route("/", home), Route("/upload", upload, methods=["POST"]),
        Route("/design/{source:str}/{name:str}", design, methods=["GET", "POST"]),
        Route("/results", results), Route("/results/{job:str}", result), Route("/api/results/{job:str}", status),
        Route("/results/{job:str}/report/{path:path}", files), Route("/results/{job:str}/download", download),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes)


def _shown(key: str, fields: list[forms.Field], tables: list[lists.ListField]) -> bool:
    """Whether the form shows the problem of field ``key`` next to a field (else it goes at the top)."""
    if key == "ruleset" or any(key == f.path for f in fields):
        return True
    return any(key == t.path or key.startswith(t.path + "[") for t in tables)


def _result_body(root: Path, s: dict[str, Any]) -> str:
    from reports.verdict import detail_lines, key_numbers

    verdict = json.loads((root / "verdict.json").read_text(encoding="utf-8"))
    rows = json.loads((root / "comparison.json").read_text(encoding="utf-8"))
    a, b = s["labels"][0], s["labels"][1]
    table = [f"<table class=\"side\"><tr><th>measure</th><th>{e(a)}</th><th>{e(b)}</th><th>difference (95% interval)</th>"
             "<th>Holm p</th><th></th></tr>"]
    for r in rows:
        unit = f' <small>{e(r["unit"])}</small>' if r.get("unit") else ""
        table.append(f'<tr class="{"moved" if r.get("significant") else ""}"><td>{e(r.get("label") or r["measure"])}{unit}</td>'
                     f'<td>{_num(r["a"])}</td><td>{_num(r["b"])}</td>'
                     f'<td>{_num(r["difference"])} ({_num(r["low"])} to {_num(r["high"])})</td>'
                     f'<td>{_num(r.get("p_holm"))}</td><td>{_moved(r)}</td></tr>')
    table.append("</table>")
    job = e(root.parent.name)
    figs = "".join(f'<figure><img alt="{stem}" src="/results/{job}/report/figures/{stem}.png"></figure>'
                   for stem in ("comparison", "survival") if (root / "report" / "figures" / f"{stem}.png").exists())
    return (f'<section class="summary"><p class="verdict" id="verdict">{e(verdict["summary"])}</p><ul>'
            + "".join(f"<li>{e(k)}</li>" for k in key_numbers(verdict)) + "</ul></section>"
            + f'<div class="figs">{figs}</div>' + "".join(table)
            + "".join(f"<p>{e(x)}</p>" for x in detail_lines(verdict))
            + f'<p><a href="/results/{job}/report/report.html">open the report</a> · '
              f'<a id="download" href="/results/{job}/download">download the report (zip)</a></p>')


def _moved(r: dict[str, Any]) -> str:
    """better/worse only where the row moved significantly after the Holm correction (the verdict's rule)."""
    if not r.get("verdict"):
        return ""
    return e(str(r["verdict"])) if r.get("significant") else "<small>not significant after Holm</small>"


def _num(x: Any) -> str:
    if not isinstance(x, (int, float)) or x != x:
        return "-"
    return e(f"{x:,.4g}")


__all__ = ["Workspace", "make_app"]
