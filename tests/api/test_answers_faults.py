"""Answers that are not a JSON object are retried like truncated ones (fault proxy, real wiki)."""

from __future__ import annotations

from typing import Any

from api_helpers import Sleeps

from wikisync.api import Gateway
from wikisync.devwiki.faults import Fault


def test_valid_json_that_is_not_an_object_is_retried(proxied: Gateway, fault_proxy: Any,
                                                      sleeps: Sleeps) -> None:
    fault_proxy.inject(Fault.answer(b"[]", action="query", times=1))
    page = proxied.read_page("Accueil")
    assert page.content  # the second attempt read the page
    assert proxied.retries == 1 and len(sleeps.calls) == 1


def test_a_web_page_after_the_api_answered_is_transient(proxied: Gateway, fault_proxy: Any,
                                                        sleeps: Sleeps) -> None:
    fault_proxy.inject(Fault.http_status(200, action="query", times=2))
    assert proxied.read_page("Accueil").content
    assert proxied.retries == 2 and len(sleeps.calls) == 2
