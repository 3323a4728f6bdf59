"""A small headless-Chromium driver for tests: W3C WebDriver over HTTP to ``chromedriver``.

Needs Debian's ``chromium`` and ``chromium-driver``; no Python package beyond ``requests``.
Use ``with open_browser(tmp_path) as b: b.open(path); b.find("table")...`` or the
``skip_without_browser`` marker. Any test needing a real browser (HTML reports, map pages)
can share it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
]
# No network: every name fails to resolve and every other request goes to a closed local port.
OFFLINE_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9"]
ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"  # W3C WebDriver element reference key


def chromium_binary() -> str | None:
    """The Chromium executable, or None when Chromium is not installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def have_browser() -> bool:
    """Whether both Chromium and chromedriver are installed."""
    return chromium_binary() is not None and shutil.which("chromedriver") is not None


skip_without_browser = pytest.mark.skipif(
    not have_browser(),
    reason="needs Debian packages chromium and chromium-driver",
)


class BrowserError(AssertionError):
    """WebDriver answered with an error (a failed test, not a crash)."""


class Element:
    """A reference to one element of the current page."""

    def __init__(self, browser: Browser, ref: str) -> None:
        self.browser = browser
        self.ref = ref

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        """One WebDriver command on this element."""
        return self.browser.call(method, f"/element/{self.ref}{path}", payload)

    @property
    def text(self) -> str:
        """The rendered (visible) text of the element."""
        return str(self._call("GET", "/text"))

    @property
    def displayed(self) -> bool:
        """Whether the element is visible, as the browser lays it out."""
        return bool(self.browser.run("return arguments[0].getClientRects().length > 0;", self))

    def attribute(self, name: str) -> str | None:
        """A DOM property or attribute of the element."""
        value = self._call("GET", f"/property/{name}")
        if value is None:
            value = self._call("GET", f"/attribute/{name}")
        return None if value is None else str(value)

    def click(self) -> None:
        """Click the element (scrolled into view first by the driver)."""
        self._call("POST", "/click", {})

    def clear(self) -> None:
        """Empty a text input."""
        self._call("POST", "/clear", {})

    def type(self, text: str) -> None:
        """Type keys into the element, as a user would."""
        self._call("POST", "/value", {"text": text})

    def find_all(self, css: str) -> list[Element]:
        """Descendant elements matching a CSS selector."""
        found = self._call("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self.browser, item[ELEMENT_KEY]) for item in found]


class Browser:
    """One WebDriver session on a headless Chromium."""

    def __init__(self, base: str, session: str) -> None:
        self.base = base
        self.session = session

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        """Send one WebDriver command and return its ``value``; errors raise BrowserError."""
        url = f"{self.base}/session/{self.session}{path}"
        response = requests.request(method, url, json=payload, timeout=60)
        value = response.json().get("value")
        if response.status_code >= 400:
            detail = value.get("message", value) if isinstance(value, dict) else value
            raise BrowserError(f"webdriver {method} {path}: {detail}")
        return value

    def open(self, target: str | Path) -> None:
        """Load a URL, or a local file by path."""
        url = Path(target).resolve().as_uri() if isinstance(target, Path) else target
        self.call("POST", "/url", {"url": url})

    def run(self, script: str, *args: Any) -> Any:
        """Run JavaScript in the page (``return`` gives a value); elements may be passed."""
        wire = [{ELEMENT_KEY: a.ref} if isinstance(a, Element) else a for a in args]
        return self.call("POST", "/execute/sync", {"script": script, "args": wire})

    def find_all(self, css: str) -> list[Element]:
        """Elements of the page matching a CSS selector."""
        found = self.call("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self, item[ELEMENT_KEY]) for item in found]

    def find(self, css: str) -> Element:
        """The first element matching a CSS selector (BrowserError if none)."""
        found = self.find_all(css)
        if not found:
            raise BrowserError(f"no element matches {css!r}")
        return found[0]

    def visible(self, css: str) -> list[Element]:
        """The displayed elements matching a CSS selector."""
        return [e for e in self.find_all(css) if e.displayed]

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the viewport (to look at with an image viewer)."""
        import base64

        path.write_bytes(base64.b64decode(self.call("GET", "/screenshot")))
        return path

    def console_errors(self) -> list[str]:
        """Severe browser-console entries (JavaScript errors, failed loads) since the last call."""
        entries = self.call("POST", "/se/log", {"type": "browser"}) or []
        return [str(e.get("message")) for e in entries if e.get("level") == "SEVERE"]

    def wait_for(self, script: str, timeout: float = 5.0) -> Any:
        """Poll a JavaScript expression until it is truthy; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.run(f"return ({script});")
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {script}")
            time.sleep(0.05)


def _free_port() -> int:
    """A TCP port free on 127.0.0.1 right now, for chromedriver."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """Wait until chromedriver answers /status ready (fail if it exits or is too slow)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BrowserError(f"chromedriver exited with code {process.returncode}")
        try:
            if requests.get(f"{base}/status", timeout=1).json()["value"]["ready"]:
                return
        except (requests.RequestException, ValueError, KeyError):
            pass
        time.sleep(0.1)
    raise BrowserError("chromedriver did not start")


@contextmanager
def open_browser(profile_dir: Path, offline: bool = False) -> Iterator[Browser]:
    """Start chromedriver and a headless Chromium (profile in ``profile_dir``); stop both after.

    ``offline`` cuts Chromium off the network (``OFFLINE_ARGS``): local files still open.
    """
    binary = chromium_binary()
    if binary is None or not shutil.which("chromedriver"):
        pytest.skip("needs Debian packages chromium and chromium-driver")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        ["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_ready(base, process)
        args = [*CHROMIUM_ARGS, *(OFFLINE_ARGS if offline else []),
                f"--user-data-dir={profile_dir}"]
        capabilities = {"browserName": "chrome",
                        "goog:chromeOptions": {"binary": binary, "args": args},
                        "goog:loggingPrefs": {"browser": "ALL"}}
        response = requests.post(f"{base}/session", timeout=60,
                                 json={"capabilities": {"alwaysMatch": capabilities}})
        value = response.json()["value"]
        if response.status_code >= 400:
            raise BrowserError(f"cannot start Chromium: {value.get('message', value)}")
        browser = Browser(base, value["sessionId"])
        try:
            yield browser
        finally:
            requests.delete(f"{base}/session/{browser.session}", timeout=30)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
