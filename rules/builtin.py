"""Built-in rules, each from the domain's group charters.

* :class:`BanAdsAndLinks` -- no ads, links only via the owner; a poster of ads is
  warned, and kicked on the Nth offence (seed 001 §一.2, §一.5; 004).
* :class:`FloodLimit` -- at most N messages in T seconds per member; excess is
  deleted and the sender muted (seed 001 §一.7, no interrupting the group).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rules.actions import Action, Delete, Kick, Mute, Warn
from rules.events import Event, MessageForm, MessagePosted, ObservedMessage
from rules.engine import RuleBase
from rules.normalise import NormaliseSpec, normaliser
from rules.view import GroupView

_TEXT = MessageForm.TEXT
_VERDICTS = 4096  # distinct texts whose keyword verdict is kept

# Words WeChat marketing spam typically carries (加微信 add me on WeChat, 代购 proxy
# buying, 兼职 part-time job, 优惠券 coupons, 私聊 DM me, 扫码 scan the code).
DEFAULT_AD_KEYWORDS: tuple[str, ...] = ("加微信", "加v", "代购", "兼职", "优惠券", "私聊", "扫码", "返利", "招代理")


class BanAdsAndLinks(RuleBase):
    """Delete links, cards, mini-programs and keyword ads; warn, then kick on offence N."""

    triggers = frozenset({MessagePosted})

    def __init__(
        self,
        name: str = "ban_ads_and_links",
        *,
        kick_after: int = 2,
        keywords: Sequence[str] = DEFAULT_AD_KEYWORDS,
        links: bool = True,
        cards: bool = True,
        mini_programs: bool = True,
        normalise: bool | dict[str, bool] | NormaliseSpec = False,
        priority: int = 10,
    ) -> None:
        super().__init__(name, priority)
        if kick_after < 1:
            raise ValueError("kick_after must be at least 1")
        self.kick_after = kick_after
        self.keywords = tuple(k.lower() for k in keywords if k)
        # Literal alternation: linear-time in Python's re (no user-written pattern here).
        self._keyword_re = re.compile("|".join(map(re.escape, self.keywords))) if self.keywords else None
        self.links, self.cards, self.mini_programs = links, cards, mini_programs
        # Keywords match the normalised text when asked (rules/normalise.py; off by default).
        self.normalise = normaliser(normalise)
        self._offences: dict[int, int] = {}
        self._verdicts: dict[str, bool] = {}

    def offends(self, event: MessagePosted) -> bool:
        return self.may_act(event.message)

    def may_act(self, m: ObservedMessage) -> bool:
        """Whether a message that looks like ``m`` is an offence (the verdict depends on the look alone)."""
        form = m.form
        if form is _TEXT and not (m.has_link or m.has_card or m.has_mini_program):
            # Plain text: the verdict depends on the text alone. Chat repeats itself
            # ("收到", "谢谢"), so verdicts are kept for the most recent distinct texts.
            text = m.text
            verdict = self._verdicts.get(text)
            if verdict is None:
                if len(self._verdicts) >= _VERDICTS:
                    self._verdicts.clear()
                verdict = self._verdicts[text] = self._keyword_hit(text)
            return verdict
        if self.links and (m.has_link or form is MessageForm.LINK):
            return True
        if self.cards and (m.has_card or form is MessageForm.CARD):
            return True
        if self.mini_programs and (m.has_mini_program or form is MessageForm.MINI_PROGRAM):
            return True
        return self._keyword_hit(m.text)

    def _keyword_hit(self, text: str) -> bool:
        if self._keyword_re is None:
            return False
        seen = self.normalise(text) if self.normalise is not None else text.lower()
        return self._keyword_re.search(seen) is not None

    def on_event(self, event: Event, view: GroupView) -> Sequence[Action]:
        if not isinstance(event, MessagePosted) or not self.offends(event):
            return ()
        sender = event.message.sender
        n = self._offences.get(sender, 0) + 1
        self._offences[sender] = n
        delete = Delete(self.name, sender, event.message.id)
        if n >= self.kick_after:
            return (delete, Kick(self.name, sender))
        return (delete, Warn(self.name, sender, f"No ads or links here ({n}/{self.kick_after}); next time you are removed."))

    def __repr__(self) -> str:
        norm = f", normalise={'+'.join(self.normalise.spec.steps)!r}" if self.normalise is not None else ""
        return f"BanAdsAndLinks(name={self.name!r}, kick_after={self.kick_after}{norm})"


class FloodLimit(RuleBase):
    """More than ``max_messages`` in ``window_seconds``: delete the excess and mute."""

    triggers = frozenset({MessagePosted})

    def __init__(
        self,
        name: str = "flood_limit",
        *,
        max_messages: int = 5,
        window_seconds: float = 60.0,
        mute_minutes: float = 60.0,
        priority: int = 20,
    ) -> None:
        super().__init__(name, priority)
        if max_messages < 1 or window_seconds <= 0:
            raise ValueError("max_messages must be >= 1 and window_seconds > 0")
        self.max_messages = max_messages
        self.window = window_seconds / 60.0
        self.mute_minutes = mute_minutes
        self._recent: dict[int, list[float]] = {}  # each sender's latest post times, at most n + 1

    def on_event(self, event: Event, view: GroupView) -> Sequence[Action]:
        if type(event) is not MessagePosted:
            return ()
        m = event.message
        t = event.time
        times = self._recent.get(m.sender)
        if times is None:
            self._recent[m.sender] = [t]
            return ()
        times.append(t)
        n = self.max_messages
        if len(times) <= n:
            return ()
        # More than n kept: a flood only if the (n+1)-th latest is inside the window.
        if times[-n - 1] <= t - self.window:
            del times[:-n]  # only the last n can still matter
            return ()
        times.pop()  # the deleted message no longer counts against the limit
        return (Delete(self.name, m.sender, m.id), Mute(self.name, m.sender, self.mute_minutes))

    def __repr__(self) -> str:
        return (
            f"FloodLimit(name={self.name!r}, max_messages={self.max_messages}, "
            f"window_seconds={self.window * 60:g})"
        )
