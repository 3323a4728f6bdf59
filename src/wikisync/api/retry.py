"""The retry policy: one pure decision function, and a tenacity loop that applies it.

``decide`` says, for a failed attempt, whether to try again and after how long; it is
pure (the clock and the random source are arguments) so tests check it exactly. The
``Retrier`` runs an attempt function under that decision, with an injectable sleep.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from tenacity import RetryCallState, Retrying, stop_never

from wikisync.api.errors import ConnectionLost, ServerBusy
from wikisync.errors import RetryableWikiError, WikiUnreachable

log = logging.getLogger("wikisync.api")
T = TypeVar("T")
LONG_WAIT = 3.0  # seconds: a longer wait is said on stderr (a warning), shorter ones in --debug


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds of the retry loop: ``max_retries`` retries and ``max_seconds`` in total.

    The n-th retry waits a jittered ``base * 2**(n-1)`` (capped at ``cap``), in
    ``[b * (1 - jitter), b]``, and never less than the server's Retry-After.
    """

    max_retries: int = 5
    max_seconds: float = 120.0
    base: float = 1.0
    cap: float = 60.0
    jitter: float = 0.5


@dataclass(frozen=True)
class Decision:
    """The verdict on one failed attempt: retry after ``wait`` seconds, or give up (why)."""

    retry: bool
    wait: float = 0.0
    reason: str = ""


def backoff(attempt: int, policy: RetryPolicy, rand: float) -> float:
    """The jittered exponential wait before retry number ``attempt`` (1-based)."""
    ceiling = min(policy.cap, policy.base * 2 ** (attempt - 1))
    return ceiling * (1 - policy.jitter * rand)


def decide(
    error: BaseException, attempt: int, elapsed: float, policy: RetryPolicy, rand: float
) -> Decision:
    """Whether to retry after ``attempt`` failed tries taking ``elapsed`` s so far, and how long.

    Only ``RetryableWikiError`` (maxlag, ratelimited, 429/5xx, connection lost) retries.
    ``rand`` is a number in [0, 1) that draws the jitter.
    """
    if not isinstance(error, RetryableWikiError):
        return Decision(False, reason="not retryable")
    if attempt > policy.max_retries:
        return Decision(False, reason=f"gave up after {attempt} attempts")
    wait = backoff(attempt, policy, rand)
    if error.retry_after is not None:
        wait = max(wait, error.retry_after)
    if elapsed + wait > policy.max_seconds:
        return Decision(False, reason=f"gave up after {attempt} attempts in {elapsed:.0f}s "
                        f"(next wait {wait:.0f}s exceeds {policy.max_seconds:.0f}s)")
    return Decision(True, wait, reason=error.code or type(error).__name__)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header, in either form (seconds or HTTP-date)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class Retrier:
    """Runs an attempt function until it succeeds or ``decide`` gives up; counts retries."""

    def __init__(
        self,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.policy = policy
        self.sleep = sleep
        self.clock = clock
        self.rand = rand
        self.retries = 0
        self.waited = 0.0

    def run(self, attempt: Callable[[], T], what: str = "request") -> T:
        """Call ``attempt`` under the policy; the last error escapes, made final if exhausted."""
        start = self.clock()
        verdict: list[Decision] = [Decision(False)]

        def judge(state: RetryCallState) -> bool:
            error = state.outcome.exception() if state.outcome else None
            if error is None:
                return False
            verdict[0] = decide(error, state.attempt_number, self.clock() - start,
                                self.policy, self.rand())
            return verdict[0].retry

        def before_sleep(state: RetryCallState) -> None:
            self.retries += 1
            self.waited += verdict[0].wait
            level = logging.WARNING if verdict[0].wait >= LONG_WAIT else logging.DEBUG
            log.log(level, "retry %s #%d in %.1fs (%s)", what, state.attempt_number,
                    verdict[0].wait, verdict[0].reason)

        engine = Retrying(retry=judge, wait=lambda _s: verdict[0].wait, stop=stop_never,
                          sleep=self.sleep, before_sleep=before_sleep, reraise=True)
        try:
            return engine(attempt)
        except RetryableWikiError as exc:
            raise final_error(exc, verdict[0]) from None


def final_error(exc: RetryableWikiError, decision: Decision) -> Exception:
    """The error to raise once retries are exhausted: WikiUnreachable for transport failures."""
    suffix = f" ({decision.reason})" if decision.reason else ""
    if isinstance(exc, ConnectionLost | ServerBusy):
        return WikiUnreachable(f"wiki unreachable: {exc.message}{suffix}", exc.code)
    return type(exc)(f"{exc.message}{suffix}", exc.code, exc.retry_after)
