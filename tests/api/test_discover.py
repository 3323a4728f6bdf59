"""Address handling without a wiki: schemes, the EditURI link, usual paths, version floor."""

from __future__ import annotations

import logging

import pytest

from wikisync.api.discover import check_version, edit_uri, is_direct, scheme_candidates, usual_apis
from wikisync.api.errors import BadAddress, ServerBusy, TooOld
from wikisync.api.retry import Retrier, RetryPolicy


def test_scheme_less_local_addresses_try_http_first_others_https_first() -> None:
    assert scheme_candidates("127.0.0.1:8080/api.php") == [
        "http://127.0.0.1:8080/api.php", "https://127.0.0.1:8080/api.php"]
    assert scheme_candidates("localhost/wiki")[0] == "http://localhost/wiki"
    assert scheme_candidates("wiki.example.org") == ["https://wiki.example.org",
                                                     "http://wiki.example.org"]
    assert scheme_candidates("https://wiki.example.org/w/") == ["https://wiki.example.org/w/"]


def test_an_unsupported_scheme_is_refused_without_a_request() -> None:
    with pytest.raises(BadAddress, match="unsupported scheme ftp://"):
        scheme_candidates("ftp://wiki.example.org/api.php")


def test_only_an_http_api_php_url_is_used_directly() -> None:
    assert is_direct("https://wiki.example.org/w/api.php")
    assert not is_direct("wiki.example.org/w/api.php")
    assert not is_direct("https://wiki.example.org/wiki/Accueil")


def test_edit_uri_is_read_from_the_page_link() -> None:
    html = ('<head><link rel="alternate" href="/feed"/><link rel="EditURI" '
            'type="application/rsd+xml" href="//wiki.example.org/w/api.php?action=rsd"/>')
    assert edit_uri(html, "https://wiki.example.org/wiki/Accueil") == (
        "https://wiki.example.org/w/api.php")
    assert edit_uri("<html><body>no link</body></html>", "https://x.org/") is None


def test_usual_paths_start_beside_the_script() -> None:
    assert usual_apis("https://x.org/wiki/index.php?title=A") == [
        "https://x.org/wiki/api.php", "https://x.org/api.php", "https://x.org/w/api.php",
        "https://x.org/mediawiki/api.php"]
    assert usual_apis("https://x.org/")[0] == "https://x.org/api.php"


def test_mediawiki_before_1_35_is_too_old() -> None:
    with pytest.raises(TooOld, match="MediaWiki 1.34.4 is too old"):
        check_version("MediaWiki 1.34.4", "https://x.org/api.php")
    check_version("MediaWiki 1.35.0", "https://x.org/api.php")
    check_version("MediaWiki 1.41.0-wmf.3", "https://x.org/api.php")


def test_a_long_retry_wait_is_said_on_stderr(caplog: pytest.LogCaptureFixture) -> None:
    waits: list[float] = []
    retrier = Retrier(RetryPolicy(max_retries=3), sleep=waits.append, rand=lambda: 0.0)
    answers: list[Exception | None] = [ServerBusy("HTTP 503", "http-503", 4.0), None]

    def attempt() -> str:
        error = answers.pop(0)
        if error:
            raise error
        return "ok"

    logger = logging.getLogger("wikisync.api")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.WARNING, logger="wikisync.api"):
            assert retrier.run(attempt, "query") == "ok"
    finally:
        logger.removeHandler(caplog.handler)
    assert waits == [4.0]
    said = {(r.levelno, r.getMessage()) for r in caplog.records}  # (caught once or twice)
    assert said == {(logging.WARNING, "retry query #1 in 4.0s (http-503)")}
