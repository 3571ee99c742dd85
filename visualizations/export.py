"""Exports of graph views: PNG through a real browser, and the offline check every page must pass.

PNG export renders the page in Debian's Chromium driven by Playwright (the
browser Playwright would download is not reachable from court networks), waits
until the layout has settled, and screenshots it. Every request the page makes
is refused unless it is for the page itself (file:, data:, blob:, about:), so an
export can never reach out to the internet.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-domain-reliability",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def chromium_path() -> str:
    """Debian's Chromium, or DEBTGRAPH_CHROMIUM; a clear error when neither is there."""
    path = os.environ.get("DEBTGRAPH_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        raise RuntimeError(
            f"Chromium not found at {path}: install it with `apt-get install -y chromium fonts-noto-cjk` "
            "(or set DEBTGRAPH_CHROMIUM to a Chromium binary)"
        )
    return path


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (Playwright ``Browser``), closed on exit."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # playwright is in the test extra
        raise RuntimeError("PNG export needs playwright: pip install -e '.[test]'") from exc
    executable = chromium_path()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def local_only(route: Any) -> None:
    """Playwright route handler: let the page load itself, refuse everything else."""
    if route.request.url.startswith(LOCAL_SCHEMES):
        route.continue_()
    else:
        route.abort("blockedbyclient")


def wait_until_settled(page: Any, timeout_ms: int = 60_000) -> None:
    """Wait for a debtgraph view to finish its layout (any other page: its load event)."""
    page.wait_for_function(
        "() => !window.debtgraphView || window.debtgraphView.stabilized === true", timeout=timeout_ms
    )
    # two frames so that the final, physics-free drawing is on screen
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def html_to_png(html: str, path: str | Path, width: int = 1400, height: int = 900, *, scale: float = 1.0,
                timeout_ms: int = 60_000) -> Path:
    """Render a page (e.g. :func:`visualizations.render.render_html`) in Chromium and save a PNG of it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="debtgraph-png-") as tmp:
        page_file = Path(tmp) / "view.html"
        page_file.write_text(html, encoding="utf-8")
        with chromium() as browser:
            context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
            try:
                context.route("**/*", local_only)
                page = context.new_page()
                page.goto(page_file.as_uri(), wait_until="load", timeout=timeout_ms)
                wait_until_settled(page, timeout_ms)
                page.screenshot(path=str(target), full_page=False)
            finally:
                context.close()
    return target


# --------------------------------------------------------------------------- offline check

_URL_IN_CSS = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I | re.S)
_URL_ATTRS = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background", "xlink:href", "manifest"}


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in _URL_ATTRS:
                for part in value.split(",") if name == "srcset" else [value]:
                    self.found.append((f"<{tag} {name}>", part.strip().split(" ")[0]))
            elif name == "style":
                self.found.extend((f"<{tag} style>", u) for u in _css_urls(value))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found.extend(("<style>", u) for u in _css_urls(data))


def _css_urls(css: str) -> list[str]:
    return [m.group(2) if m.group(2) is not None else m.group(4) for m in _URL_IN_CSS.finditer(css)]


def external_references(html: str) -> list[tuple[str, str]]:
    """Every src/href/url()/@import in a page that would make the browser fetch something.

    A self-contained page has none: only data: URLs and #fragments are allowed.
    Returns (where, url) pairs.
    """
    parser = _References()
    parser.feed(html)
    parser.close()
    return [(where, url) for where, url in parser.found if url and not url.startswith(("data:", "#"))]
