"""The objective a comparison is decided by, as a file section: validated against the metrics catalogue.

A scenario file may carry it as a top-level ``objective:`` section, and a
compare objective file (``groupsim compare --objective FILE``) holds the same
mapping. The verdict (:mod:`sim.experiments.verdict`) turns it into its
decision rule; here it is only checked, so ``groupsim validate`` names the file,
line and field of an unknown metric, a direction the catalogue contradicts, or a
guard-rail with no metric or a negative tolerance::

    objective:
      primary: survival          # or order: [survival, final_members]
      direction: higher          # optional; must agree with the catalogue
      guards:
        - {metric: alive, tolerance: 0.05}   # at most 5 points worse than the baseline
      weights: {final_members: 1, ad_exposure: 1}
      alpha: 0.05
      detect: {survival: 0.1}    # differences worth detecting (power)

Which way is better always comes from the catalogue (:mod:`sim.base.metrics`);
``direction`` is there so a file can say what it means and be told when the
catalogue disagrees. The objective decides nothing about a run: a scenario's
dump leaves the section out when it is absent, so scenarios without one keep
their content hash.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from rules import FieldError
from sim.base.metrics import catalogue, find
from sim.base.schema import SpecModel


def _known(name: str) -> str:
    """``name`` if the catalogue declares it; ValueError listing near names otherwise."""
    if find(name) is None:
        import difflib

        near = difflib.get_close_matches(name, [m.name for m in catalogue()], n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
        raise ValueError(f"{name!r} is not in the metrics catalogue (sim/base/metrics.py){hint}")
    return name


def _directed(name: str) -> str:
    """``name`` if it is a catalogue metric with a better direction (one that can decide or guard)."""
    m = find(_known(name))
    if m is not None and m.better == "neither":
        raise ValueError(f"{name!r} has no better direction in the catalogue (neither higher nor lower is better), "
                         "so it cannot decide a comparison or guard one")
    return name


KnownMetric = Annotated[str, AfterValidator(_known)]
"""A metric of the catalogue."""
DecidingMetric = Annotated[str, AfterValidator(_directed)]
"""A metric of the catalogue with a better direction."""


class GuardRail(SpecModel):
    """A guard-rail: a winner may be worse than the baseline on ``metric`` by at most ``tolerance``."""

    metric: DecidingMetric = Field(description="A catalogue metric with a better direction, e.g. alive.")
    tolerance: float = Field(ge=0, description="How much worse than the baseline is allowed, in the metric's unit "
                                               "(alive: 0.05 is 5 points of the alive share).")


class ObjectiveSpec(SpecModel):
    """What a comparison is decided by: criteria in order, guard-rails, optional weights and the error rate."""

    primary: DecidingMetric | None = Field(default=None, description="The metric that decides first.")
    direction: Literal["higher", "lower"] | None = Field(
        default=None, description="Which way the primary metric is better; must agree with the metrics catalogue.")
    order: list[DecidingMetric] = Field(default_factory=list, description="Further criteria, most important first.")
    guards: list[GuardRail] = Field(default_factory=list, description="Guard-rails every winner must keep.")
    weights: dict[DecidingMetric, Annotated[float, Field(gt=0)]] = Field(
        default_factory=dict, description="Weights of a composite criterion (each metric in standard deviations), tested first.")
    alpha: float = Field(default=0.05, gt=0, lt=1, description="Family-wise error rate of the verdict (Holm).")
    detect: dict[KnownMetric, Annotated[float, Field(gt=0)]] = Field(
        default_factory=dict, description="Differences worth detecting, per metric, in its unit (for the power statement).")

    @model_validator(mode="after")
    def _decides(self) -> ObjectiveSpec:
        if self.primary is None and not self.order and not self.weights:
            raise FieldError(("primary",), "give a primary metric, an order of metrics, or weights")
        if self.direction is not None:
            if self.primary is None:
                raise FieldError(("direction",), "direction is the primary metric's: give `primary:` too")
            better = find(self.primary).better  # type: ignore[union-attr]  # _directed checked it
            if better != self.direction:
                raise FieldError(("direction",), f"the metrics catalogue says {better} {self.primary} is better, "
                                                 f"not {self.direction} (sim/base/metrics.py)")
        return self

    @property
    def criteria(self) -> list[str]:
        """The criteria in order: the primary metric, then ``order`` (without repeats)."""
        names = [self.primary] if self.primary is not None else []
        return list(dict.fromkeys([*names, *self.order]))


__all__ = ["DecidingMetric", "GuardRail", "KnownMetric", "ObjectiveSpec"]
