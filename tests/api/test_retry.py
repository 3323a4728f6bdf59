"""The retry policy, the error-code mapping and secret redaction (no wiki needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from wikisync.api.errors import (
    BadToken,
    ConnectionLost,
    ServerBusy,
    SessionLost,
    api_exception,
    http_exception,
    login_exception,
)
from wikisync.api.retry import Retrier, RetryPolicy, backoff, decide, parse_retry_after
from wikisync.errors import (
    AuthenticationError,
    Blocked,
    EditConflict,
    EditRefused,
    FilterRefused,
    PageExists,
    PageMissing,
    Protected,
    ReadOnly,
    RetryableWikiError,
    WikiError,
    WikiUnreachable,
    redact,
    register_secret,
)

POLICY = RetryPolicy(max_retries=5, max_seconds=120.0, base=1.0, cap=60.0, jitter=0.5)


def maxlag(retry_after: float | None = None) -> RetryableWikiError:
    return RetryableWikiError("maxlag: waiting for a database server", "maxlag", retry_after)


# --- decide: which errors retry ---------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        maxlag(5),
        RetryableWikiError("ratelimited: slow down", "ratelimited"),
        ServerBusy("HTTP 503", "http-503", 10),
        ServerBusy("HTTP 429", "http-429", None),
        ConnectionLost("connection reset", "connection"),
        ConnectionLost("timeout", "timeout"),
    ],
)
def test_transient_errors_retry(error: Exception) -> None:
    assert decide(error, 1, 0.0, POLICY, 0.0).retry


@pytest.mark.parametrize(
    "error",
    [
        EditConflict("editconflict", "editconflict"),
        ReadOnly("readonly", "readonly"),
        Blocked("blocked", "blocked"),
        AuthenticationError("login failed"),
        WikiError("HTTP 500", "http-500"),
        ValueError("a bug"),
    ],
)
def test_other_errors_do_not_retry(error: Exception) -> None:
    decision = decide(error, 1, 0.0, POLICY, 0.0)
    assert not decision.retry
    assert decision.reason == "not retryable"


# --- decide: how long ------------------------------------------------------------------


def test_backoff_grows_exponentially_without_jitter() -> None:
    waits = [backoff(n, POLICY, 0.0) for n in range(1, 6)]
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0]


def test_backoff_is_capped() -> None:
    assert backoff(20, POLICY, 0.0) == 60.0


@pytest.mark.parametrize("attempt", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("rand", [0.0, 0.25, 0.5, 0.999])
def test_jitter_stays_within_bounds(attempt: int, rand: float) -> None:
    ceiling = 2.0 ** (attempt - 1)
    wait = decide(ConnectionLost("reset"), attempt, 0.0, POLICY, rand).wait
    assert ceiling * 0.5 < wait <= ceiling


def test_jitter_spreads_the_waits() -> None:
    waits = {decide(ConnectionLost("reset"), 3, 0.0, POLICY, r / 10).wait for r in range(10)}
    assert len(waits) == 10


def test_retry_after_is_a_minimum() -> None:
    assert decide(maxlag(5), 1, 0.0, POLICY, 0.0).wait == 5.0
    assert decide(ServerBusy("503", "http-503", 30), 1, 0.0, POLICY, 0.9).wait == 30.0


def test_backoff_wins_over_a_short_retry_after() -> None:
    assert decide(maxlag(1), 4, 0.0, POLICY, 0.0).wait == 8.0


# --- decide: when it gives up ----------------------------------------------------------


def test_gives_up_after_max_retries() -> None:
    assert decide(maxlag(), 5, 0.0, POLICY, 0.0).retry
    decision = decide(maxlag(), 6, 0.0, POLICY, 0.0)
    assert not decision.retry
    assert "6 attempts" in decision.reason


def test_gives_up_when_the_wait_would_exceed_the_total_time() -> None:
    assert decide(maxlag(10), 1, 110.0, POLICY, 0.0).retry
    decision = decide(maxlag(11), 1, 110.0, POLICY, 0.0)
    assert not decision.retry
    assert "exceeds 120s" in decision.reason


def test_zero_retries_never_retries() -> None:
    assert not decide(maxlag(), 1, 0.0, RetryPolicy(max_retries=0), 0.0).retry


# --- Retry-After in both forms ---------------------------------------------------------


def test_retry_after_in_seconds() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 5 ") == 5.0


def test_retry_after_as_http_date() -> None:
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=42), usegmt=True)
    assert header.endswith("GMT")
    assert parse_retry_after(header, now=now) == 42.0


def test_retry_after_in_the_past_means_now() -> None:
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Wed, 01 May 2024 11:00:00 GMT", now=now) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "-3", "1.5e3"])
def test_unreadable_retry_after_is_ignored(value: str | None) -> None:
    assert parse_retry_after(value) is None


# --- the Retrier loop, with the wait replaced --------------------------------------------


class FakeTime:
    """A clock that only moves when the retrier sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def flaky(errors: list[Exception], result: str = "ok"):
    calls: list[int] = []

    def attempt() -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return result

    return attempt, calls


def retrier(fake: FakeTime, policy: RetryPolicy = POLICY) -> Retrier:
    return Retrier(policy, sleep=fake.sleep, clock=fake.clock, rand=lambda: 0.0)


def test_retrier_retries_then_succeeds_and_counts() -> None:
    fake = FakeTime()
    engine = retrier(fake)
    attempt, calls = flaky([maxlag(5), ServerBusy("503", "http-503", 2), ConnectionLost("x")])
    assert engine.run(attempt) == "ok"
    assert len(calls) == 4
    assert fake.sleeps == [5.0, 2.0, 4.0]
    assert engine.retries == 3


def test_retrier_does_not_retry_a_final_error() -> None:
    fake = FakeTime()
    attempt, calls = flaky([EditConflict("editconflict", "editconflict")])
    with pytest.raises(EditConflict):
        retrier(fake).run(attempt)
    assert len(calls) == 1
    assert fake.sleeps == []


def test_retrier_gives_up_after_the_count_with_wiki_unreachable() -> None:
    fake = FakeTime()
    attempt, calls = flaky([ConnectionLost("connection refused", "connection")] * 10)
    with pytest.raises(WikiUnreachable, match="gave up after 4 attempts"):
        retrier(fake, RetryPolicy(max_retries=3, max_seconds=1000)).run(attempt)
    assert len(calls) == 4
    assert fake.sleeps == [1.0, 2.0, 4.0]


def test_retrier_gives_up_on_total_time() -> None:
    fake = FakeTime()
    attempt, calls = flaky([maxlag(30)] * 10)
    with pytest.raises(RetryableWikiError, match="exceeds 100s") as info:
        retrier(fake, RetryPolicy(max_retries=50, max_seconds=100)).run(attempt)
    assert info.value.code == "maxlag"
    assert fake.sleeps == [30.0, 30.0, 30.0]
    assert len(calls) == 4
    assert fake.now <= 100


def test_exhausted_503_becomes_unreachable() -> None:
    fake = FakeTime()
    attempt, _ = flaky([ServerBusy("HTTP 503 Service Unavailable", "http-503", 1)] * 10)
    with pytest.raises(WikiUnreachable, match="503"):
        retrier(fake, RetryPolicy(max_retries=2)).run(attempt)


# --- error-code mapping ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("editconflict", EditConflict),
        ("pagedeleted", PageMissing),
        ("missingtitle", PageMissing),
        ("articleexists", PageExists),
        ("protectedpage", Protected),
        ("cascadeprotected", Protected),
        ("protectedtitle", Protected),
        ("abusefilter-disallowed", FilterRefused),
        ("abusefilter-warning", FilterRefused),
        ("spamblacklist", FilterRefused),
        ("blocked", Blocked),
        ("autoblocked", Blocked),
        ("readonly", ReadOnly),
        ("assertuserfailed", SessionLost),
        ("assertnameduserfailed", SessionLost),
        ("badtoken", BadToken),
        ("maxlag", RetryableWikiError),
        ("ratelimited", RetryableWikiError),
        ("something-new", WikiError),
    ],
)
def test_api_codes_map_to_exceptions(code: str, cls: type[Exception]) -> None:
    error = api_exception(code, "some info")
    assert type(error) is cls
    assert error.code == code
    assert code in str(error)


def test_mapped_classes_keep_their_exit_semantics() -> None:
    assert isinstance(api_exception("editconflict", ""), EditRefused)
    assert api_exception("editconflict", "").exit_code == 1
    assert api_exception("readonly", "").exit_code == 3
    assert isinstance(api_exception("assertuserfailed", ""), AuthenticationError)


def test_maxlag_carries_retry_after() -> None:
    error = api_exception("maxlag", "Waiting for db: 7 seconds lagged", retry_after=7)
    assert isinstance(error, RetryableWikiError)
    assert error.retry_after == 7


@pytest.mark.parametrize(("status", "retryable"),
                         [(429, True), (502, True), (503, True), (504, True),
                          (500, False), (403, False), (404, False)])
def test_http_statuses(status: int, retryable: bool) -> None:
    error = http_exception(status, "Reason", 3)
    assert isinstance(error, RetryableWikiError) is retryable
    assert error.code == f"http-{status}"


# --- secrets ---------------------------------------------------------------------------


def test_login_error_never_carries_the_password() -> None:
    register_secret("s3cret-bot-pass-XYZ")
    error = login_exception("Bot@sync", "Failed", "wrong password s3cret-bot-pass-XYZ")
    assert "s3cret-bot-pass-XYZ" not in str(error)
    assert "s3cret-bot-pass-XYZ" not in repr(error.args)
    assert "Bot@sync" in str(error)


def test_exceptions_redact_token_like_pairs() -> None:
    error = ConnectionLost("failed: lgpassword=hunter22&token=abc123%2B%5C", "connection")
    assert "hunter22" not in str(error)
    assert "abc123" not in str(error)


def test_redact_removes_registered_tokens() -> None:
    register_secret("0123456789abcdef+\\")
    assert "0123456789abcdef" not in redact("got 0123456789abcdef+\\ back")
