"""Gateways on the real local wiki, directly or through the fault proxy.

``devwiki`` and ``fault_proxy`` come from tests/conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import Sleeps, bot_config

from wikisync.api import Gateway


@pytest.fixture
def sleeps() -> Sleeps:
    """The gateway's sleep: records the retry waits instead of waiting."""
    return Sleeps()


@pytest.fixture
def gateway(devwiki: Any, sleeps: Sleeps) -> Gateway:
    """The bot, logged in on the dev wiki directly."""
    gw = Gateway(bot_config(devwiki), sleep=sleeps)
    gw.login()
    return gw


@pytest.fixture
def proxied(devwiki: Any, fault_proxy: Any, sleeps: Sleeps) -> Gateway:
    """The bot, logged in through the fault proxy (site info already fetched)."""
    gw = Gateway(bot_config(devwiki, api=fault_proxy.api_url), sleep=sleeps)
    gw.login()
    gw.site_info()
    return gw
