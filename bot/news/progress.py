"""How a broadcast's progress and final report read for staff (pure text, no Telegram calls)."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from bot.i18n import Texts

BAR_WIDTH = 12
# The rate is measured over this many seconds of recent progress.
RATE_WINDOW_SECONDS = 15.0


@dataclass(frozen=True)
class Figures:
    """What a progress message shows."""

    total: int
    sent: int
    failed: int
    blocked: int
    pending: int
    rate: float  # messages a second, recently
    status: str

    @property
    def done(self) -> int:
        """Recipients with a final result."""
        return self.sent + self.failed + self.blocked


class RateMeter:
    """The recent delivery rate from successive counts of finished deliveries."""

    def __init__(self) -> None:
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, done: int, now: float | None = None) -> float:
        """Record the count of finished deliveries; return messages per second recently."""
        now = time.monotonic() if now is None else now
        self._samples.append((now, done))
        while len(self._samples) > 2 and self._samples[0][0] < now - RATE_WINDOW_SECONDS:
            self._samples.popleft()
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0


def bar(done: int, total: int) -> str:
    """A text progress bar such as ▓▓▓▓░░░░ 50%."""
    share = done / total if total else 1.0
    filled = round(share * BAR_WIDTH)
    return "▓" * filled + "░" * (BAR_WIDTH - filled) + f" {share:.0%}"


def duration(seconds: float) -> str:
    """Seconds as 1:05:09 or 4:07."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def render_progress(texts: Texts, lang: str, broadcast_id: int, f: Figures) -> str:
    """The progress message while sending or paused."""
    left = texts.get(lang, "news.announce.eta", time=duration(f.pending / f.rate)) if f.rate > 0 and f.pending else ""
    head = texts.get(lang, "news.announce.paused_title" if f.status == "paused" else "news.announce.sending_title", id=broadcast_id)
    lines = [
        head,
        bar(f.done, f.total),
        texts.get(lang, "news.announce.figures", sent=f.sent, failed=f.failed, blocked=f.blocked, total=f.total),
    ]
    if f.status == "sending":
        lines.append(texts.get(lang, "news.announce.rate", rate=f"{f.rate:.1f}") + (f" · {left}" if left else ""))
    return "\n".join(lines)


def render_report(texts: Texts, lang: str, broadcast_id: int, f: Figures, elapsed: float | None) -> str:
    """The final report (sent, stopped)."""
    key = "news.announce.report_cancelled" if f.status == "cancelled" else "news.announce.report_done"
    lines = [
        texts.get(lang, key, id=broadcast_id),
        bar(f.done, f.total),
        texts.get(lang, "news.announce.figures", sent=f.sent, failed=f.failed, blocked=f.blocked, total=f.total),
    ]
    if f.pending:
        lines.append(texts.get(lang, "news.announce.not_sent", count=f.pending))
    if elapsed is not None:
        lines.append(texts.get(lang, "news.announce.elapsed", time=duration(elapsed)))
    return "\n".join(lines)
