"""``groupsim calibrate``: a scenario fitted to your own group's chat export, each number with its interval."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def calibrate_command(
    log: Annotated[Path, typer.Argument(help="A chat export (any format `groupsim import` reads).", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="The scenario file to write.")] = Path("my_group.yaml"),
    members: Annotated[int | None, typer.Option("--members", min=1, help="Members at the log's start (an export "
                                                "never shows the silent ones; without it only posters are fitted).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="telegram, whatsapp, discord, csv or jsonl.")] = None,
    mapping: Annotated[str | None, typer.Option("--map", help="CSV columns, e.g. time=Date,sender=From,text=Body.")] = None,
    correct_rounds: Annotated[int, typer.Option("--correct-rounds", min=0, max=10, help="Rounds of correction by "
                                                "simulation (indirect inference; 0: the direct fits).")] = 0,
    salt_file: Annotated[Path | None, typer.Option("--salt-file", help="The secret that salts sender hashes.")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Also write a fit report here (fit.md, fit.json, "
                                                "figures): the fitted scenario simulated and held against the log.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
) -> None:
    """Fit a scenario to a chat log: join rate, posting-rate distribution, hourly profile, with 95% intervals.

    Each fitted number carries a comment with its estimate, interval and how
    many data points it rests on. Compare designs against it with
    `groupsim compare my_group.yaml other.yaml`.

    Example:

        groupsim calibrate result.json --members 320 --out my_group.yaml
    """
    from sim.base.chatlog import ImportFailure, read_events
    from sim.base.chatlog.tabular import parse_mapping
    from sim.calibration import calibrate, correct, to_yaml
    from sim.cli.console import fail, out_console

    if out.exists() and not force:
        raise fail(f"{out} exists; give --force to overwrite it")
    try:
        events = list(read_events(log, fmt, mapping=parse_mapping(mapping), salt_file=salt_file))
        cal = calibrate(events, members=members, name=log.stem)
    except ImportFailure as exc:
        raise fail(str(exc)) from None
    except ValueError as exc:
        raise fail(f"{log}: {exc}") from None
    if correct_rounds:
        cal = correct(cal, rounds=correct_rounds)
    out.write_text(to_yaml(cal), encoding="utf-8")
    for label, e in (("joins a day", cal.join_rate), ("posting rate, median (a day)", cal.post_median),
                     ("posting rate, sigma of log", cal.post_sigma)):
        out_console.print(f"{label}: {e.comment()}", markup=False, highlight=False)
    out_console.print(f"scenario: {out} (check it: groupsim validate {out})", markup=False, highlight=False)
    if report is not None:
        from sim.calibration.report import write_fit_report

        figures = write_fit_report(cal, report)
        ks = figures["inter_message_times"]["ks_statistic"]
        out_console.print(f"fit report: {report}/fit.md (inter-message KS {ks:.3f}, hourly largest difference "
                          f"{figures['hourly_profile']['largest_share_difference']:.3f})" if ks is not None
                          else f"fit report: {report}/fit.md", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``calibrate`` to the ``groupsim`` command."""
    app.command("calibrate")(calibrate_command)


__all__ = ["calibrate_command", "register"]
