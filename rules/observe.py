"""What a rule's condition may read: the observable fields, and one shared pass per event.

A condition (``rules.conditions``) reads named fields such as
``message.form`` or ``sender.msgs_1m``. Every field here is something a
human moderator or a bot could observe in a real chat client: the message as
shown, the sender's visible role, tenure, warnings, strikes, paid status and
inviter, and counters over recent messages. Nothing here can reach an
agent's true role or a message's true intent.

One :class:`Observer` per rule engine keeps the counters (per-sender message
times, the group's recent messages, duplicate texts, strikes, payments) and
builds one :class:`Facts` per event, so all rules share a single keyword
pass and a single counter store.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rules.events import Event, MemberJoined, MemberLeft, MessageForm, MessagePosted, ObservedMessage
from rules.ladders import Blacklist, StrikeStore
from rules.normalise import Normaliser
from rules.view import GroupView

MINUTES_PER_DAY = 1440.0
_AD_FORMS = frozenset({MessageForm.LINK, MessageForm.CARD, MessageForm.MINI_PROGRAM})

# Counter windows in minutes; a field name ends with the window's label.
WINDOWS: dict[str, float] = {"10s": 10 / 60, "1m": 1.0, "10m": 10.0, "1h": 60.0, "1d": 1440.0}


class Facts:
    """Everything observable about one event, computed at most once and shared by all rules."""

    __slots__ = ("time", "event", "message", "member", "view", "obs", "dupes", "static", "_hits")

    def __init__(self, obs: Observer, event: Event, view: GroupView, member: int, message: ObservedMessage | None) -> None:
        self.obs = obs
        self.event = event
        self.view = view
        self.time = event.time
        self.member = member
        self.message = message
        self.dupes = 0.0
        self.static: dict[int, bool] = {}  # memoised static conjuncts (per message look, see conditions)
        self._hits: frozenset[str] | None = None

    def keyword_hits(self) -> frozenset[str]:
        """Names of the ruleset's keyword lists the message text hits (one pass, cached)."""
        if self._hits is None:
            self._hits = self.obs.keyword_hits(self.message.text) if self.message is not None else frozenset()
        return self._hits

    def ad_like(self) -> bool:
        """A link, card or mini-program, or a hit on the ``ads`` keyword list."""
        m = self.message
        if m is None:
            return False
        if m.form in _AD_FORMS or m.has_link or m.has_card or m.has_mini_program:
            return True
        return "ads" in self.keyword_hits()


Getter = Callable[[Facts], Any]


@dataclass(frozen=True, slots=True)
class Field:
    """One observable field: its rule-engine type name, how to read it, what it means."""

    type: str  # STRING, FLOAT, BOOLEAN or SET
    get: Getter
    doc: str
    needs: str = ""  # counter store this field needs: sender, group, dupes


def _msg(attr: str, default: Any) -> Getter:
    def get(f: Facts) -> Any:
        m = f.message
        return default if m is None else getattr(m, attr)
    return get


def _role(f: Facts) -> str:
    return "none" if f.member < 0 else f.view.visible_role(f.member).value


def _inviter_role(f: Facts) -> str:
    inviter = f.obs.invited_by(f.view, f.member)
    return "none" if inviter is None or inviter < 0 else f.view.visible_role(inviter).value


def _reporter(f: Facts) -> int:
    return int(getattr(f.event, "reporter", -1))


def _reporter_role(f: Facts) -> str:
    r = _reporter(f)
    return "none" if r < 0 else f.view.visible_role(r).value


def _reporter_warnings(f: Facts) -> float:
    r = _reporter(f)
    return float(f.view.warnings(r)) if r >= 0 else 0.0


def _reporter_tenure_days(f: Facts) -> float:
    r = _reporter(f)
    return f.view.tenure(r) / MINUTES_PER_DAY if r >= 0 else 0.0


def _sender_window(w: float) -> Getter:
    return lambda f: f.obs.sender_count(f.member, f.time, w)


def _group_window(w: float) -> Getter:
    return lambda f: f.obs.group_count(f.time, w)


def _form(f: Facts) -> str:
    m = f.message
    return "" if m is None else m.form  # a StrEnum: compares equal to its value


FIELDS: dict[str, Field] = {
    "message.form": Field("STRING", _form, "as the client shows it: text, link, card, mini_program, image, red_packet, forward"),
    "message.text": Field("STRING", _msg("text", ""), "the text"),
    "message.length": Field("FLOAT", lambda f: float(len(f.message.text)) if f.message else 0.0, "characters of text"),
    "message.has_link": Field("BOOLEAN", lambda f: bool(f.message and (f.message.has_link or f.message.form is MessageForm.LINK)), "carries a link"),
    "message.has_card": Field("BOOLEAN", lambda f: bool(f.message and (f.message.has_card or f.message.form is MessageForm.CARD)), "carries a contact/QR card"),
    "message.has_mini_program": Field("BOOLEAN", lambda f: bool(f.message and (f.message.has_mini_program or f.message.form is MessageForm.MINI_PROGRAM)), "carries a mini-program"),
    "message.has_image": Field("BOOLEAN", lambda f: bool(f.message and (f.message.has_image or f.message.form is MessageForm.IMAGE)), "carries an image"),
    "message.mentions": Field("FLOAT", lambda f: float(f.message.text.count("@")) if f.message else 0.0, "@-mentions in the text"),
    "message.keywords": Field("SET", Facts.keyword_hits, "names of the ruleset's keyword lists the text hits (after `normalise`, if set)"),
    "message.normalised_text": Field("STRING", lambda f: f.obs.normal_form(f.message.text) if f.message else "", "the text after the ruleset's `normalise` steps (all steps if it sets none)"),
    "message.ad_like": Field("BOOLEAN", Facts.ad_like, "link, card or mini-program, or an `ads` keyword"),
    "message.duplicates": Field("FLOAT", lambda f: f.dupes, "same text posted in the group in the last hour, before this one", "dupes"),
    "message.reports": Field("FLOAT", lambda f: float(getattr(f.event, "count", 0)), "member reports on this message so far"),
    "message.reporters": Field("FLOAT", lambda f: float(len(set(getattr(f.event, "reporters", ())))), "distinct members who reported it so far"),
    "message.viewers": Field("FLOAT", lambda f: float(len(set(getattr(f.event, "viewers", ())))), "members who saw it (message_removed; tracked messages only)"),
    "message.bystanders": Field("FLOAT", lambda f: float(len(set(getattr(f.event, "bystanders", ())))), "viewers who neither reported it nor rebuked its sender (message_removed)"),
    "message.rebukes": Field("FLOAT", lambda f: float(len(set(getattr(f.event, "rebukers", ())))), "members who rebuked its sender in public (message_removed)"),
    "report.reason": Field("STRING", lambda f: str(getattr(f.event, "reason", "")), "why it was reported (harmful, brigade, ...; empty if unknown)"),
    "report.reporter_role": Field("STRING", _reporter_role, "visible role of who reported it (none if unknown)"),
    "report.reporter_warnings": Field("FLOAT", _reporter_warnings, "warnings the reporter has received (their standing)"),
    "report.reporter_tenure_days": Field("FLOAT", _reporter_tenure_days, "days since the reporter joined"),
    "sender.role": Field("STRING", _role, "visible role: owner, admin, member (none for group events)"),
    "sender.tenure_minutes": Field("FLOAT", lambda f: f.view.tenure(f.member) if f.member >= 0 else 0.0, "minutes since they joined"),
    "sender.tenure_days": Field("FLOAT", lambda f: f.view.tenure(f.member) / MINUTES_PER_DAY if f.member >= 0 else 0.0, "days since they joined"),
    "sender.warnings": Field("FLOAT", lambda f: float(f.view.warnings(f.member)) if f.member >= 0 else 0.0, "warnings received in this group"),
    "sender.strikes": Field("FLOAT", lambda f: f.obs.strikes.active(f.member, f.time), "active (unexpired) strike weight"),
    "sender.paid": Field("BOOLEAN", lambda f: f.obs.paid(f.view, f.member), "has paid (a red packet, a fee)"),
    "sender.invited_by_role": Field("STRING", _inviter_role, "visible role of who invited them, or none"),
    "sender.messages": Field("FLOAT", lambda f: float(f.obs.posts.get(f.member, 0)), "messages they posted while rules watched"),
    "sender.idle_days": Field("FLOAT", lambda f: f.obs.idle_days(f.view, f.member, f.time), "days since their last message (or joining)"),
    "group.members": Field("FLOAT", lambda f: float(f.view.member_count()), "members now"),
    "group.silence_minutes": Field("FLOAT", lambda f: f.time - f.obs.last_message, "minutes since the last message"),
    "group.age_days": Field("FLOAT", lambda f: f.time / MINUTES_PER_DAY, "days since the group was created"),
    "group.ad_like_share_1d": Field("FLOAT", lambda f: f.obs.group_ad_share(f.time), "share of ad-like messages in the last 24 h", "group"),
    "group.joins_1d": Field("FLOAT", lambda f: f.obs.churn_count(f.obs.joins, f.time), "joins in the last 24 h"),
    "group.leaves_1d": Field("FLOAT", lambda f: f.obs.churn_count(f.obs.leaves, f.time), "leaves in the last 24 h"),
    "time.hour": Field("FLOAT", lambda f: float(int(f.time // 60) % 24), "hour of day, 0-23"),
    "time.minute_of_day": Field("FLOAT", lambda f: f.time % MINUTES_PER_DAY, "minutes since midnight"),
    "time.weekday": Field("FLOAT", lambda f: float(int(f.time // MINUTES_PER_DAY) % 7), "0 Monday .. 6 Sunday (day 0 is a Monday)"),
    "time.day": Field("FLOAT", lambda f: float(f.time // MINUTES_PER_DAY), "whole days since the group was created"),
}
for _label, _w in WINDOWS.items():
    FIELDS[f"sender.msgs_{_label}"] = Field("FLOAT", _sender_window(_w), f"their messages in the last {_label}, this one included", "sender")
    FIELDS[f"group.msgs_{_label}"] = Field("FLOAT", _group_window(_w), f"group messages in the last {_label}", "group")

MESSAGE_FIELDS = frozenset(k for k in FIELDS if k.startswith("message."))


class Observer:
    """The counter store shared by one engine's rules; updated once per event."""

    def __init__(
        self, keywords: Mapping[str, Iterable[str]] | None = None, needs: Iterable[str] = (), normalise: Normaliser | None = None,
    ) -> None:
        # Keyword lists match the normalised text when the ruleset normalises (rules/normalise.py).
        self.normalise = normalise
        self._normal: Normaliser | None = None  # for message.normalised_text when the ruleset sets no steps
        self.keywords: dict[str, tuple[str, ...]] = {name: tuple(w.lower() for w in words if w) for name, words in (keywords or {}).items()}
        self._lists_of: dict[str, frozenset[str]] = {}
        for name, words in self.keywords.items():
            for w in words:
                self._lists_of[w] = self._lists_of.get(w, frozenset()) | {name}
        # Literal alternation (no user-written pattern): linear in the text for this use.
        alternatives = sorted(self._lists_of, key=len, reverse=True)
        self._keyword_re = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None
        self._hit_cache: dict[str, frozenset[str]] = {}
        self._looks: dict[tuple[Any, ...], dict[int, bool]] = {}
        self.needs = frozenset(needs)
        self.max_sender_window = 0.0
        self.strikes: StrikeStore = StrikeStore()
        self.blacklist: Blacklist = Blacklist()
        self.last_message: float = 0.0
        self.posts: dict[int, int] = {}
        self.last_post: dict[int, float] = {}
        self.joined: dict[int, float] = {}
        self.inviters: dict[int, int] = {}
        self.payments: set[int] = set()
        self.paid_messages: set[int] = set()
        self._sender: dict[int, deque[float]] = {}
        self._group: deque[tuple[float, bool]] = deque()
        self._group_ads = 0
        self._dupes: dict[str, deque[float]] = {}
        self.joins: deque[float] = deque()
        self.leaves: deque[float] = deque()

    def want(self, needs: Iterable[str], sender_window: float = 0.0) -> None:
        """Declare counter stores that some compiled condition reads."""
        self.needs |= frozenset(needs)
        self.max_sender_window = max(self.max_sender_window, sender_window)

    # ---- the one pass per event ----------------------------------------------
    def observe(self, event: Event, view: GroupView) -> Facts:
        """Update the counters with ``event`` and return its shared :class:`Facts`."""
        if isinstance(event, MessagePosted):
            m = event.message
            s, t = m.sender, event.time
            f = Facts(self, event, view, s, m)
            self.last_message = t
            self.posts[s] = self.posts.get(s, 0) + 1
            self.last_post[s] = t
            needs = self.needs
            if "sender" in needs:
                q = self._sender.get(s)
                if q is None:
                    q = self._sender[s] = deque()
                cut = t - self.max_sender_window
                while q and q[0] <= cut:
                    q.popleft()
                q.append(t)
            if "static" in needs:
                look = (m.text, m.form, m.has_link, m.has_card, m.has_mini_program, m.has_image)
                seen = self._looks.get(look)
                if seen is None:
                    if len(self._looks) > 8192:
                        self._looks.clear()
                    seen = self._looks[look] = {}
                f.static = seen
            if "dupes" in needs and m.text:
                f.dupes = self._count_duplicate(m.text, t)
            if "group" in needs:
                ad = f.ad_like()
                self._group.append((t, ad))
                self._group_ads += ad
                self._prune_group(t)
            return f
        if isinstance(event, MemberJoined):
            self.joined[event.member] = event.time
            if event.invited_by is not None:
                self.inviters[event.member] = event.invited_by
            self.joins.append(event.time)
            return Facts(self, event, view, event.member, None)
        if isinstance(event, MemberLeft):
            self.leaves.append(event.time)
            return Facts(self, event, view, event.member, None)
        member = getattr(event, "member", -1)
        message = getattr(event, "message", None)
        return Facts(self, event, view, member if isinstance(member, int) else -1, message)

    def retract(self, message: ObservedMessage) -> None:
        """A deleted message no longer counts against its sender's rate limits."""
        q = self._sender.get(message.sender)
        if q and q[-1] == message.time:
            q.pop()

    # ---- counters ------------------------------------------------------------
    def sender_count(self, member: int, now: float, window: float) -> float:
        q = self._sender.get(member)
        if not q:
            return 0.0
        cut, n = now - window, 0
        for x in reversed(q):
            if x <= cut:
                break
            n += 1
        return float(n)

    def _prune_group(self, now: float) -> None:
        q, cut = self._group, now - MINUTES_PER_DAY
        while q and q[0][0] <= cut:
            self._group_ads -= q.popleft()[1]

    def group_count(self, now: float, window: float) -> float:
        self._prune_group(now)
        cut, n = now - window, 0
        if window >= MINUTES_PER_DAY:
            return float(len(self._group))
        for x, _ in reversed(self._group):
            if x <= cut:
                break
            n += 1
        return float(n)

    def group_ad_share(self, now: float) -> float:
        self._prune_group(now)
        return self._group_ads / len(self._group) if self._group else 0.0

    def churn_count(self, q: deque[float], now: float) -> float:
        while q and q[0] <= now - MINUTES_PER_DAY:
            q.popleft()
        return float(len(q))

    def _count_duplicate(self, text: str, now: float) -> float:
        """Times ``text`` was posted in the last hour; then count this one."""
        if len(self._dupes) > 10_000:  # forget texts not seen for an hour
            self._dupes = {k: q for k, q in self._dupes.items() if q and q[-1] > now - 60.0}
        q = self._dupes.setdefault(text, deque())
        while q and q[0] <= now - 60.0:
            q.popleft()
        n = float(len(q))
        q.append(now)
        return n

    def keyword_hits(self, text: str) -> frozenset[str]:
        """Keyword lists hit by ``text``, lower-cased (and normalised if the ruleset says so); cached by text."""
        got = self._hit_cache.get(text)
        if got is not None:
            return got
        out: frozenset[str] = frozenset()
        if self._keyword_re is not None:
            seen = self.normalise(text) if self.normalise is not None else text.lower()
            for w in self._keyword_re.findall(seen):
                out |= self._lists_of[w]
        if len(self._hit_cache) > 4096:
            self._hit_cache.clear()
        self._hit_cache[text] = out
        return out

    def normal_form(self, text: str) -> str:
        """``text`` after the ruleset's normalisation (every step when the ruleset sets none)."""
        norm = self.normalise
        if norm is None:
            norm = self._normal = self._normal or Normaliser()
        return norm(text)

    def paid(self, view: GroupView, member: int) -> bool:
        if member in self.payments:
            return True
        probe = getattr(view, "paid", None)
        return bool(probe(member)) if probe is not None and member >= 0 else False

    def invited_by(self, view: GroupView, member: int) -> int | None:
        if member in self.inviters:
            return self.inviters[member]
        probe = getattr(view, "invited_by", None)
        return probe(member) if probe is not None and member >= 0 else None

    def idle_days(self, view: GroupView, member: int, now: float) -> float:
        last = self.last_post.get(member)
        if last is None:
            last = now - view.tenure(member) if member >= 0 else now
        return (now - last) / MINUTES_PER_DAY
