"""The scenario file: a group design and the people in it, as a frozen, validated model.

Configuration flows one way: YAML file -> :class:`Scenario` (frozen, extra fields
forbidden) -> :func:`sim.engine.build` -> simulation. Sweeps make new validated
scenarios with :meth:`Scenario.with_values`; nothing mutates a shared one.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, ValidationError, Field, SerializerFunctionWrapHandler, Tag, field_validator, model_serializer, model_validator

from rules import InputError, RulesetSpec, find_ruleset, load_ruleset, read_mapping, read_yaml, validate_document
from rules.ruleset import library_path, resolve_extends
from sim.spec.cast_params import (
    NEVER,
    Forwarding,
    Norms,
    TIER_DEFAULTS,
    BrigadeParams,
    Cascades,
    IncidentParams,
    PoacherParams,
    ShillParams,
    SpammerEconomics,
    SpammerStrategy,
    StaffParams,
    Tier,
    VolunteerAdmins,
)
from sim.base.clock import CHAT_PROFILE
from sim.spec.graph_files import read_graph_file
from sim.spec.design_params import GROUP_PROFILES, Activity, Attention, Business, Delivery, Entry, Lifecycle
from sim.base.params import Dist, Param, TruncNormal, scenario_folder
from sim.spec.texts import TextsSpec
from sim.base.schema import SpecModel
from sim.spec.contract import Limits, check_limits, check_population, check_rates, check_role_name
from sim.spec.objective import ObjectiveSpec

VALUE_DIMENSIONS: tuple[str, ...] = ("perks", "information", "resources", "cases", "activities", "connections")
"""The six value dimensions of seed 004: 福利 信息 资源 案例 活动 链接."""


class _Model(SpecModel):
    """Frozen, no unknown fields, finite numbers (:class:`sim.base.schema.SpecModel`)."""


class GroupType(StrEnum):
    """Group types of the domain (DOMAIN.md, "Group types")."""

    COMMUNITY = "community"
    FLASH = "flash"  # 快闪群
    NEW_CUSTOMER = "new_customer"  # 新用户群
    SUPER_USER = "super_user"  # 超级用户群
    DELIVERY = "delivery"  # 交付群
    TRAFFIC = "traffic"  # 引流群
    WELFARE = "welfare"  # 福利群
    WORD_OF_MOUTH = "word_of_mouth"  # 口碑群
    PAID = "paid"


class Arrivals(_Model):
    """New members joining after the start: a Poisson process shaped by the diurnal profile."""

    rate_per_day: float = Field(default=0.0, ge=0, description="Mean joins per day.")
    per_day: list[Annotated[float, Field(ge=0)]] | None = Field(
        default=None, description="Explicit mean joins for each day (overrides rate_per_day)."
    )
    until_day: float | None = Field(default=None, ge=0, description="No arrivals after this day.")


class SocialGraph(_Model):
    """Friendships among the initial members: a generator or a file, and whether friends hold members.

    Generators (networkx, seeded from the run's ``graph`` stream):
    ``watts_strogatz`` (small world; Watts & Strogatz 1998), ``barabasi_albert``
    (preferential attachment; Barabási & Albert 1999), ``stochastic_block``
    (communities; Holland, Laskey & Leinhardt 1983), ``empty``. ``file`` reads an
    edge-list CSV, GraphML or GEXF through networkx once, at validation, into
    ``nodes`` and ``edges`` (so the scenario carries its graph and a run never
    reads the file again); the i-th node in file order is the i-th initial member.
    See docs/MODEL.md, "Friends (social graph)".
    """

    kind: Literal["watts_strogatz", "barabasi_albert", "stochastic_block", "empty", "file"] = Field(
        default="watts_strogatz", description="How the initial friendships are made."
    )
    mean_friends: int = Field(default=4, ge=0, description="Mean friends a member has in the group.")
    rewire: float = Field(default=0.1, ge=0, le=1, description="Watts-Strogatz rewiring probability.")
    blocks: int = Field(default=4, ge=1, description="Communities of the stochastic block model (equal sizes).")
    mixing: float = Field(default=0.1, ge=0, le=1, description="Stochastic block: expected share of a member's friends outside their community.")
    file: str | None = Field(default=None, description="Edge-list CSV (source,target), GraphML or GEXF; relative to the scenario file.")
    nodes: list[str] | None = Field(default=None, description="The file's nodes in order (filled from `file`).")
    edges: list[tuple[str, str]] | None = Field(default=None, description="The file's edges (filled from `file`).")
    min_friends: float = Field(default=0.0, ge=0, description="Leave hazard on while fewer friends than this are in the group (0: off).")
    min_friend_share: float = Field(default=0.0, ge=0, le=1, description="Leave hazard on while the share of one's friends in the group is below this (0: off).")
    friend_exit_hours: float = Field(default=0.0, ge=0, description="Mean wait before a member below the friend threshold leaves (0: at once).")

    @model_validator(mode="before")
    @classmethod
    def _read_file(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("file") and data.get("edges") is None:
            nodes, edges = read_graph_file(data["file"])
            data = {**data, "kind": data.get("kind", "file"), "nodes": nodes, "edges": edges}
        return data

    @model_validator(mode="after")
    def _file_kind(self) -> SocialGraph:
        if (self.kind == "file") != (self.edges is not None):
            raise ValueError("kind: file needs `file` (or `nodes` and `edges`), and `file` needs kind: file")
        return self

    @property
    def friend_exit(self) -> bool:
        """Whether friends' departures can make a member leave."""
        return self.min_friends > 0 or self.min_friend_share > 0


class Group(_Model):
    """The group itself."""

    type: GroupType = GroupType.COMMUNITY
    name: str = ""
    capacity: int = Field(default=500, ge=1, le=100_000, description="Member cap (WeChat: 500).")
    initial_members: int = Field(default=0, ge=0, description="Members drawn by `share` at the start.")
    arrivals: Arrivals = Arrivals()
    social: SocialGraph = SocialGraph()
    dissolve_day: float | None = Field(default=None, gt=0, description="Planned dissolution (e.g. flash groups).")
    cascades: Cascades = Cascades()
    volunteer_admins: VolunteerAdmins = VolunteerAdmins()
    entry: Entry = Entry()
    activities: list[Activity] = Field(default_factory=list, description="The activities calendar (seed 001 §二.2, seed 004).")
    lifecycle: Lifecycle = Lifecycle()
    delivery: Delivery | None = Field(default=None, description="A delivery group's promise (交付群; seed 000).")
    norms: Norms = Field(default_factory=Norms, description="Norms and metanorms (Axelrod 1986; off by default).")
    forwarding: Forwarding = Field(default_factory=Forwarding, description="Forwarding outside the group (转发).")
    attention: Attention = Field(default_factory=Attention, description="Attention to chat and size (seeds 001 §七.4, 004).")
    use_type_profile: bool = Field(default=True, description="`type` fills unset fields from its profile (GROUP_PROFILES).")

    @model_validator(mode="before")
    @classmethod
    def _type_profile(cls, data: Any) -> Any:
        """Fields the scenario leaves out come from its type's profile (sim/spec/design_params.py)."""
        if isinstance(data, dict) and data.get("use_type_profile", True):
            kind = data.get("type", GroupType.COMMUNITY)
            profile = GROUP_PROFILES.get(str(kind.value if isinstance(kind, GroupType) else kind), {})
            data = {**profile, **data}
        return data


class MemberParams(_Model):
    """Members by tier: lurkers (潜水), ordinary (普通用户), core, super users, KOLs.

    See docs/MODEL.md, "Members". A ``tier`` fills the fields a scenario leaves
    out with that tier's defaults (:data:`sim.cast_params.TIER_DEFAULTS`).
    """

    tier: Tier | None = Field(default=None, description="lurker, ordinary, core, super or kol: sets defaults.")

    post_rate: Param = Field(
        default_factory=lambda: {"dist": "lognormal", "median": 0.0005, "sigma": 3.5},
        description="Messages per day when fully engaged (default: σ 3.5 from van Mierlo 2014's 90-9-1 shares, mean "
        "0.225 a day as before; docs/MODEL.md, Participation inequality).",
    )
    check_rate: Param = Field(default=4.0, description="Times per day the member opens the group.")
    read_cap: Param = Field(default=80.0, description="Messages read per visit at most.")
    question_share: Param = Field(default=0.15, description="Share of own posts that are questions.")
    answer_propensity: Param = Field(default=0.3, description="Chance a post answers an open question.")
    needs: dict[str, float] = Field(
        default_factory=lambda: dict.fromkeys(VALUE_DIMENSIONS, 1.0),
        description="Relative need weights over the six value dimensions of seed 004.",
    )
    needs_concentration: float = Field(default=4.0, gt=0, description="Dirichlet spread of needs across members.")
    initial_satisfaction: Param = 1.0
    memory_days: Param = Field(default=5.0, description="Satisfaction decay time constant tau, days.")
    mute_threshold: Param = Field(
        default_factory=lambda: {"dist": "truncnormal", "mean": 0.4, "sd": 0.1, "low": 0.05, "high": 0.9}
    )
    leave_threshold: Param = Field(
        default_factory=lambda: {"dist": "truncnormal", "mean": 0.15, "sd": 0.05, "low": 0.0, "high": 0.4}
    )
    ad_annoyance: Param = Field(default=0.01, description="Satisfaction lost per ad read.")
    conflict_annoyance: Param = Field(default=0.03, description="Satisfaction lost per complaint read.")
    noise_tolerance: Param = Field(default=150.0, description="Chat messages a day read before chat annoys.")
    noise_annoyance: Param = Field(default=0.003, description="Satisfaction lost per chat message above tolerance.")
    answered_gain: Param = 0.3
    unanswered_cost: Param = 0.2
    question_patience_hours: Param = 12.0
    friend_leave_penalty: Param = Field(default=0.1, description="Satisfaction lost when a friend leaves.")
    muted_attention: Param = Field(default=0.15, description="Reading and visiting factor once muted.")
    muted_post_factor: Param = Field(default=0.1, description="Posting factor once muted.")
    complain_on_leave: Param = Field(default=0.02, description="Chance a leaver posts a complaint first.")
    priority_greed: Param = Field(
        default=0.95,
        description="p of the priority-list model for posts: 0 Poisson timing, near 1 bursty (default B ≈ 0.3; "
        "docs/MODEL.md, Bursty timing).",
    )
    visit_greed: Param = Field(
        default=0.95, description="p of the priority-list model for visits: 0 Poisson looks, near 1 bursty."
    )
    expert_share: Param = Field(default=0.0, description="Share of posts that are expert content (KOL).")
    expert_value: Param = Field(default=0.5, description="Information value of one expert post.")
    leave_cascade_threshold: Param = Field(default=NEVER, description="Departures seen that make the member leave.")
    complain_cascade_threshold: Param = Field(
        default_factory=lambda: {"dist": "uniform", "low": 10.0, "high": 200.0},
        description="Complaints seen that make the member complain (on by default: seed 001 §九.2, bad news ferments; "
        f"{NEVER:g} turns it off).",
    )
    exposure_trust_loss: Param = Field(default=0.1, description="Satisfaction lost per shill exposure seen (seed 000).")
    imitation: Param = Field(default=0.0, description="Engagement gained per 100 member messages seen a day.")
    chilling: Param = Field(default=0.0, description="Engagement lost (log scale) per punishment seen.")
    referral_rate: Param = Field(default=0.0, description="Friends invited a day while satisfied (转介绍).")
    report_propensity: Param = Field(
        default_factory=lambda: {"dist": "choice", "values": [0.0, 0.12], "weights": [0.83, 0.17]},
        description="Chance of reporting (举报) a harmful message one sees: by default one member in six reports at all "
        "(Ofcom 2022), at 0.12 a view, mean 0.02 (docs/MODEL.md, Reports); 0 turns reporting off.",
    )
    boldness: Param = Field(
        default_factory=lambda: {"dist": "uniform", "low": 0.0, "high": 1.0},
        description="Chance a chance to violate the norm is taken (Axelrod 1986; used when group.norms is on).",
    )
    vengefulness: Param = Field(
        default_factory=lambda: {"dist": "uniform", "low": 0.0, "high": 1.0},
        description="Chance a violation seen is rebuked in public (Axelrod 1986; used when group.norms is on).",
    )
    forward_content: Param = Field(default=0.01, description="Chance a useful content post read is forwarded outside (转发).")
    forward_ads: Param = Field(default=0.002, description="Chance an ad seen is forwarded outside.")
    forward_rumours: Param = Field(default=0.017, description="Chance a rumour (an adversary's complaint) seen is forwarded.")
    forward_red_packets: Param = Field(default=0.05, description="Chance a red packet seen is forwarded (shared).")
    willingness_to_pay: Param = Field(default=0.0, description="Yuan the member would pay to enter (paid entry).")
    screening_score: Param = Field(default=0.0, description="What invitation-only screening looks at (e.g. weekly use).")
    welcome_belonging: Param = Field(
        default=0.1, description="Leave threshold drop of a member the welcome ritual greets (归属感, seed 000; 0: off)."
    )
    conversion_rate: Param = Field(
        default=0.0, description="Daily chance a potential super user becomes one, at a full example (seed 000; 0: off)."
    )
    example_saturation: Param = Field(
        default=10.0, description="Super users' posts a day seen at which their example is full (more add nothing)."
    )

    @model_validator(mode="before")
    @classmethod
    def _tier_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("tier"), str) and data["tier"] in TIER_DEFAULTS:
            data = {**TIER_DEFAULTS[data["tier"]], **data}
        return data


class OperatorParams(_Model):
    """The group's owner and operator (群主 / 社群运营): content, answers, moderation."""

    content_per_day: Param = Field(default=3.0, description="Value posts a day (in working hours).")
    content_value: Param = Field(default=1.0, description="Value units one content post carries.")
    content_mix: dict[str, float] = Field(
        default_factory=lambda: dict.fromkeys(VALUE_DIMENSIONS, 1.0),
        description="Relative share of content over the value dimensions.",
    )
    working_hours: tuple[int, int] = Field(default=(9, 22), description="Start and end hour of work.")
    response_delay_minutes: Param = Field(
        default_factory=lambda: {"dist": "lognormal", "median": 20.0, "sigma": 1.0},
        description="Delay before acting on a moderation case (executor: operator).",
    )
    answer_probability: Param = Field(default=0.6, description="Chance the operator answers a question.")
    answer_delay_minutes: Param = Field(default_factory=lambda: {"dist": "lognormal", "median": 45.0, "sigma": 1.0})

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, v: tuple[int, int]) -> tuple[int, int]:
        if not (0 <= v[0] < v[1] <= 24):
            raise ValueError("working_hours must be (start, end) with 0 <= start < end <= 24")
        return v


class AdSpammerParams(_Model):
    """Ad posters (广告手/爆粉): hit-and-run, sleeper, evasive, returning (seed 001, 002, 004)."""

    join_day: Param = Field(default_factory=lambda: {"dist": "uniform", "low": 0.0, "high": 10.0})
    ad_rate: Param = Field(default=8.0, description="Ads a day while in the group.")
    link_share: Param = Field(default=0.5, description="Share of ads carrying a link; the rest are keyword text.")
    stay_days: Param = Field(default=30.0, description="Days before the spammer leaves by itself.")
    sleep_days: Param = Field(default=0.0, description="Days a sleeper waits after joining before the first ad.")
    evasion: Param = Field(default=0.0, description="Share of ads made evasive from the start (obfuscated, image...).")
    evasive_forms: dict[str, float] = Field(
        default_factory=lambda: {"obfuscated": 0.5, "image": 0.3, "card": 0.1, "mini_program": 0.1},
        description="Weights of evasive forms: obfuscated text, image, card, mini_program.",
    )
    min_gap_minutes: Param = Field(default=0.0, description="Minutes kept between ads (stays under flood limits).")
    adaptive: bool = Field(default=False, description="Chooses comply / plain / evade / leave by expected return.")
    max_returns: Param = Field(default=0.0, description="New accounts after kicks at most (each costs account_cost).")
    return_delay_days: Param = Field(default=1.0, description="Days before coming back with a new account.")
    economics: SpammerEconomics = SpammerEconomics()
    strategy: SpammerStrategy = SpammerStrategy()


class _RoleBase(_Model):
    count: int | None = Field(default=None, ge=0, description="Exact number at the start.")
    share: float | None = Field(default=None, ge=0, description="Weight among share roles (initial members, arrivals).")
    name: str | None = Field(default=None, description="Label for this entry in results; defaults to the role.")

    @model_validator(mode="after")
    def _count_or_share(self) -> _RoleBase:
        if (self.count is None) == (self.share is None):
            raise ValueError("give exactly one of `count` or `share`")
        if self.share is not None:
            lists = [k for k, v in self.param_items() if isinstance(v, list)]
            if lists:
                raise ValueError(f"per-member lists need `count`, not `share` ({', '.join(lists)})")
        return self

    def param_items(self) -> list[tuple[str, Any]]:
        """(name, value) of this entry's parameters."""
        params = self.params  # type: ignore[attr-defined]
        return list(params.items()) if isinstance(params, dict) else list(params)

    @property
    def label(self) -> str:
        return self.name or self.role  # type: ignore[attr-defined]


class MemberRole(_RoleBase):
    role: Literal["member"]
    params: MemberParams = MemberParams()


class OperatorRole(_RoleBase):
    role: Literal["operator"]
    params: OperatorParams = OperatorParams()


class AdSpammerRole(_RoleBase):
    role: Literal["ad_spammer"]
    params: AdSpammerParams = AdSpammerParams()


class AdminRole(_RoleBase):
    """Admins (管理), visible as admins: 1-3 per group (seed 001)."""

    role: Literal["admin"]
    params: StaffParams = StaffParams()


class KolRole(_RoleBase):
    """Brand KOL / expert (专家) posting high-value content, visible as a member (seed 001, 003)."""

    role: Literal["kol"]
    params: StaffParams = StaffParams(content_per_day=2.0, content_value=2.0, answer_probability=0.7)


class ShillRole(_RoleBase):
    """Warm-up crew / shill (气氛组 / 托儿), visible as a member (seed 001 §九.2, seed 000)."""

    role: Literal["shill"]
    params: ShillParams = ShillParams()


class PoacherRole(_RoleBase):
    """Poacher (盗粉), invisible to in-group rules (seed 001 §八.1, §九.2)."""

    role: Literal["poacher"]
    params: PoacherParams = PoacherParams()


class BrigadeRole(_RoleBase):
    """A competitor brigade (竞对): ``count`` members acting together (seed 000)."""

    role: Literal["brigade"]
    params: BrigadeParams = BrigadeParams()


class IncidentRole(_RoleBase):
    """A product or delivery incident that starts a complaint wave (群诉; seed 000, 001 §九.5)."""

    role: Literal["incident"]
    params: IncidentParams = IncidentParams()


class PluginRole(_RoleBase):
    """A role from a plugin (entry-point group ``groupsim.roles``); its params are checked when built."""

    role: str = Field(json_schema_extra={"not": {"enum": ["member", "operator", "ad_spammer", "admin", "kol", "shill",
                                                          "poacher", "brigade", "incident"]}})
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("role")
    @classmethod
    def _registered(cls, v: str) -> str:
        check_role_name(v, BUILTIN_ROLE_NAMES)
        return v


BUILTIN_ROLE_NAMES = ("member", "operator", "ad_spammer", "admin", "kol", "shill", "poacher", "brigade", "incident")


def _role_tag(v: Any) -> str:
    role = v.get("role") if isinstance(v, dict) else getattr(v, "role", None)
    return role if role in BUILTIN_ROLE_NAMES else "plugin"


RoleEntry = Annotated[
    Union[
        Annotated[MemberRole, Tag("member")],
        Annotated[OperatorRole, Tag("operator")],
        Annotated[AdSpammerRole, Tag("ad_spammer")],
        Annotated[AdminRole, Tag("admin")],
        Annotated[KolRole, Tag("kol")],
        Annotated[ShillRole, Tag("shill")],
        Annotated[PoacherRole, Tag("poacher")],
        Annotated[BrigadeRole, Tag("brigade")],
        Annotated[IncidentRole, Tag("incident")],
        Annotated[PluginRole, Tag("plugin")],
    ],
    Discriminator(_role_tag),
]


class Outcomes(_Model):
    """Thresholds that classify a run: alive, dead, ad group, blown up or dissolved."""

    dead_messages_per_day: float = Field(default=3.0, ge=0, description="Member messages a day below which a day is dead.")
    dead_days: int = Field(default=3, ge=1, description="Consecutive dead days that make a dead group (死群).")
    min_members: int = Field(default=3, ge=0, description="Fewer members than this is a dead group.")
    ad_share: float = Field(default=0.5, gt=0, le=1, description="Visible ad share that makes an ad group (广告群).")
    ad_window_days: int = Field(default=2, ge=1)
    ad_min_messages: int = Field(default=20, ge=1, description="Messages in the window before ad share is judged.")
    blowup_complaint_share: float = Field(default=0.3, gt=0, le=1, description="Daily complaint share of a blow-up (暴雷).")
    blowup_min_complaints: int = Field(default=20, ge=1)
    blowup_leave_share: float = Field(
        default=0.25, gt=0, le=1, description="Share of members leaving in one day, with complaints, that is a blow-up."
    )
    grace_days: int = Field(default=1, ge=0, description="Days at the start when no outcome is judged.")
    dissolve_min_buyer_share: float = Field(
        default=0.05, ge=0, le=1,
        description="A planned end (dissolve_day) is 'dissolved' only when at least this share of the legitimate members "
        "ever in the group bought in it (the sale it was for happened); otherwise the group is judged dead.",
    )
    stop_on_outcome: bool = Field(default=True, description="End the run once a terminal outcome happens.")


class Scenario(_Model):
    """A whole scenario: a group design, its population, rules and outcome thresholds."""

    name: str = Field(description="What this scenario is called in results and reports.")
    description: str = ""
    seed: int = Field(default=0, ge=0, lt=2**63)
    duration_days: float = Field(default=30.0, gt=0, le=3650)
    group: Group = Group()
    diurnal: list[Annotated[float, Field(ge=0)]] = Field(
        default_factory=lambda: list(CHAT_PROFILE), min_length=24, max_length=24,
        description="24 hourly activity weights (relative).",
    )
    population: list[RoleEntry] = Field(min_length=1)
    ruleset: str | RulesetSpec = Field(default="none", description="A ruleset name (scenarios/rulesets/) or inline.")
    texts: TextsSpec = Field(
        default_factory=TextsSpec, description="What members and adversaries write: a language of scenarios/texts/, extended.",
    )
    outcomes: Outcomes = Outcomes()
    business: Business = Business()
    limits: Limits = Field(default_factory=Limits, description="Resource limits of one run (sim/spec/contract.py).")
    objective: ObjectiveSpec | None = Field(
        default=None, description="What a comparison of this design is decided by (sim/spec/objective.py); "
        "used by compare when the command declares none.")

    @model_serializer(mode="wrap")
    def _omit_absent_objective(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # The objective judges runs and changes none: absent, it stays out of the dump, so content hashes
        # (and every stored run's key) of scenarios without one are what they were before the section existed.
        data = handler(self)
        if self.objective is None and isinstance(data, dict):
            data.pop("objective", None)
        return data

    @field_validator("diurnal")
    @classmethod
    def _positive(cls, v: list[float]) -> list[float]:
        if sum(v) <= 0:
            raise ValueError("at least one hour needs a positive weight")
        return v

    @model_validator(mode="after")
    def _population(self) -> Scenario:
        labels = [r.label for r in self.population]
        dupes = sorted({x for x in labels if labels.count(x) > 1})
        if dupes:
            raise ValueError(f"population entries need distinct names; repeated: {', '.join(dupes)} (add `name:`)")
        shares = sum(r.share or 0.0 for r in self.population)
        if self.group.initial_members and shares <= 0:
            raise ValueError("group.initial_members needs at least one population entry with a positive `share`")
        has_arrivals = self.group.arrivals.rate_per_day > 0 or any(self.group.arrivals.per_day or [])
        if has_arrivals and shares <= 0:
            raise ValueError("group.arrivals needs at least one population entry with a positive `share`")
        for entry in self.population:
            for key, value in entry.param_items():
                if isinstance(value, list) and len(value) != entry.count:
                    raise ValueError(
                        f"{entry.label}.params.{key}: a per-member list needs {entry.count} values, got {len(value)}"
                    )
        if not any(r.role == "operator" for r in self.population) and isinstance(self.ruleset, RulesetSpec):
            if any(r.executor == "operator" for r in self.ruleset.rules):
                raise ValueError("rules with executor: operator need an `operator` in the population")
        check_population(self)
        check_rates(self)
        check_limits(self)
        return self

    def content_hash(self) -> str:
        """A stable hash of the validated content (seed included)."""
        blob = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def with_values(self, **changes: Any) -> Scenario:
        """A new validated scenario with top-level fields replaced."""
        data = self.model_dump(mode="json", by_alias=True)
        data.update(changes)
        return Scenario.model_validate(data)


def ruleset_search_path(scenario_file: Path | None) -> list[Path]:
    """Folders searched for a ruleset named in a scenario file."""
    dirs: list[Path] = []
    if scenario_file is not None:
        here = scenario_file.resolve().parent
        dirs += [here / "rulesets", here, here.parent / "rulesets"]
    dirs.append(library_path())  # the bundled rulesets, from the installed package
    return dirs


def resolve_ruleset(scenario: Scenario, scenario_file: Path | None = None) -> Scenario:
    """The scenario with its ruleset resolved once: a name loaded, ``extends`` merged, the rules compiled.

    The validated ruleset is put in place as it is (no dump and re-validation of
    the scenario); the one cross-field check a ruleset given by name skipped at
    validation (operator executors need an operator) runs here, as a file:line error.
    """
    where = str(scenario_file) if scenario_file else "<scenario>"

    def line() -> int | None:
        return read_yaml(scenario_file).line_of(("ruleset",)) if scenario_file is not None else None

    if isinstance(scenario.ruleset, RulesetSpec):
        if scenario.ruleset.extends is None:
            scenario.ruleset.compile()
            return scenario
        spec = resolve_extends(scenario.ruleset, ruleset_search_path(scenario_file), where)
    elif scenario.ruleset == "none":
        spec = RulesetSpec(name="none")
    else:
        path = find_ruleset(scenario.ruleset, ruleset_search_path(scenario_file))
        if path is None:
            raise InputError.single(where, line(), "ruleset", f"no ruleset named {scenario.ruleset!r} (looked in scenarios/rulesets/)")
        spec = load_ruleset(path)
    if spec.extends is not None:
        spec = spec.model_copy(update={"extends": None})  # merged in: the resolved ruleset extends nothing
    resolved = scenario.model_copy(update={"ruleset": spec})
    try:
        Scenario._population(resolved)  # its executor check now sees the rules
    except ValueError as exc:
        raise InputError.single(where, line(), "ruleset", str(exc)) from None
    spec.compile()
    return resolved


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and resolve a scenario file; every problem is an InputError."""
    p = Path(path)
    doc = read_mapping(p, "a scenario file", "name:, population:, ...")
    with scenario_folder(p.resolve().parent):  # a relative social-graph or texts file is next to the scenario
        scenario = validate_document(Scenario, doc)
    try:
        return resolve_ruleset(scenario, p)
    except ValidationError as exc:  # the ruleset it names does not fit this population
        problem = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        raise InputError.single(str(p), doc.line_of(("ruleset",)), "ruleset", problem) from None


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files, for editors."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "groupsim scenario"
    return schema


__all__ = [
    "VALUE_DIMENSIONS",
    "BUILTIN_ROLE_NAMES",
    "AdSpammerParams",
    "Arrivals",
    "Dist",
    "Group",
    "GroupType",
    "MemberParams",
    "OperatorParams",
    "Outcomes",
    "Scenario",
    "SocialGraph",
    "TruncNormal",
    "load_scenario",
    "resolve_ruleset",
    "scenario_json_schema",
]
