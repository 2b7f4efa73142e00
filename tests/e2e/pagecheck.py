"""The checks every page of the browser suite passes, whatever the journey.

`Guard` watches one browser context from its creation: console errors, uncaught page errors and
every response with a 4xx/5xx status are recorded as they happen. `Guard.check(page)` runs, on
the page as it stands:

- no horizontal overflow of the document at 1,280 and at 390 px wide, and at 1,280 px nothing
  that scrolls sideways inside the page either (tables that do not fit a desktop window);
- no link to a malformed URL (e.g. ``??format=csv``);
- axe-core (the npm package, installed by ``.ci/run`` into ``tests/e2e/node_modules``): zero
  serious or critical violations;
- on Korean pages, no interface string left in English: the rendered text (and the labels in
  ``placeholder``/``aria-label``/``title``/button values) is compared with the Korean catalogue's
  msgids; text the user typed or that comes from data is excluded when it is marked as such
  (``lang`` other than Korean, or ``translate="no"``); and no English month order ("10월 2025").

The journeys call ``check`` on each page they land on; at the end of a test, `problems()` also
reports every page that was visited but never checked, so no page slips through.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
CATALOGUE = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "accord"
    / "locale"
    / "ko"
    / "LC_MESSAGES"
    / "django.po"
)
WIDTHS = (1280, 390)
BLOCKING = ("serious", "critical")

# What the whole run saw, for the closing summary (conftest prints it).
STATS: Counter[str] = Counter()
PAGES: set[str] = set()
_lock = threading.Lock()


@cache
def english_interface() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """The catalogue's msgids that have a Korean translation different from the English.

    Plain msgids are matched whole (after collapsing whitespace); msgids with placeholders become
    patterns when their fixed part is long enough not to match ordinary data by chance.
    """
    import polib

    exact: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    entries = [e for e in polib.pofile(str(CATALOGUE)) if not e.obsolete]
    # A word kept as is in some context (the product's name "Accord") is never a leak.
    kept = {" ".join(e.msgid.split()) for e in entries if not e.msgstr or e.msgstr == e.msgid}
    for entry in entries:
        text = " ".join(entry.msgid.split())
        if text in kept:
            continue
        if not re.search(r"[A-Za-z]{2}", text):
            continue
        if placeholder.search(text):
            fixed = placeholder.sub("", text)
            if len(re.sub(r"[^A-Za-z]", "", fixed)) < 12:
                continue
            parts = [re.escape(p) for p in placeholder.split(text)]
            patterns.append(re.compile("^" + ".+?".join(parts) + "$"))
        else:
            exact.add(text)
    return frozenset(exact), tuple(patterns)


# Visible text and labels outside user data; each item is one text node or one attribute value.
_TEXTS_JS = """
() => {
  const out = [];
  const excluded = (el) => {
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      if (e.getAttribute('translate') === 'no') return true;
      const lang = e.getAttribute('lang');
      if (lang && !lang.startsWith('ko')) return true;
      if (e.tagName === 'SCRIPT' || e.tagName === 'STYLE' || e.tagName === 'TEMPLATE') return true;
      if (e.tagName === 'TEXTAREA' || e.tagName === 'PRE' || e.tagName === 'CODE') return true;
    }
    return false;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.replace(/\\s+/g, ' ').trim();
    if (text && !excluded(n.parentElement)) out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder],[aria-label],[title],input[type=submit],input[type=button]')) {
    if (excluded(el)) continue;
    for (const a of ['placeholder', 'aria-label', 'title', 'value']) {
      if (a === 'value' && el.tagName !== 'INPUT') continue;
      const v = (el.getAttribute(a) || '').replace(/\\s+/g, ' ').trim();
      if (v) out.push(v);
    }
  }
  out.push(document.title.replace(/\\s+/g, ' ').trim());
  return out;
}
"""

_OVERFLOW_JS = """
(strict) => {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const out = [];
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + [...el.classList].join('.');
    return s;
  };
  if (doc.scrollWidth > width + 1) {
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > width + 1 && getComputedStyle(el).position !== 'fixed') {
        // report the outermost offenders only
        if (!wide.some((w) => w.contains(el))) wide.push(el);
      }
    }
    out.push(`the page is ${doc.scrollWidth}px wide in a ${width}px window: ` +
      wide.slice(0, 5).map((el) => `${describe(el)} (${Math.round(el.getBoundingClientRect().right)}px)`).join(', '));
  }
  if (strict) {
    for (const el of document.body.querySelectorAll('*')) {
      const style = getComputedStyle(el);
      if (!['auto', 'scroll'].includes(style.overflowX)) continue;
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
        out.push(`${describe(el)} scrolls sideways (${el.scrollWidth}px content in ${el.clientWidth}px)`);
      }
    }
  }
  return out;
}
"""

_AXE_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')),
    count: v.nodes.length,
  }));
}
"""

_LINKS_JS = """
() => [...document.querySelectorAll('a[href], form[action]')]
  .map((el) => el.getAttribute('href') ?? el.getAttribute('action'))
  .filter((u) => /\\?\\?|\\?&|&&|None|undefined/.test(u))
"""


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Guard:
    """Records what goes wrong in one browser context, and checks its pages on demand."""

    context: object
    allowed: set[tuple[int, str]] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    visited: dict[str, str] = field(default_factory=dict)  # path → first URL seen
    checked: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.context.on("page", self._watch)
        self.context.on("response", self._response)

    def _watch(self, page) -> None:
        page.on("console", lambda msg: self._console(page, msg))
        page.on(
            "pageerror", lambda exc: self.errors.append(f"{_path(page.url)}: script error: {exc}")
        )
        page.on(
            "framenavigated",
            lambda frame: (
                frame == page.main_frame
                and frame.url.startswith("http")
                and self.visited.setdefault(_path(frame.url.split("#")[0]), frame.url)
            ),
        )

    def _console(self, page, msg) -> None:
        if msg.type != "error":
            return
        if "Failed to load resource" in msg.text:
            return  # the response itself is recorded (or allowed) by _response
        self.errors.append(f"{_path(page.url)}: console error: {msg.text}")

    def _response(self, response) -> None:
        path = _path(response.url)
        if (
            response.status >= 400
            and (response.status, urlsplit(response.url).path) not in self.allowed
        ):
            self.errors.append(f"{response.request.method} {path} answered {response.status}")

    def allow(self, status: int, path: str) -> None:
        """A response the journey expects to fail (e.g. it checks the styled 404 page)."""
        self.allowed.add((status, path))

    def check(self, page, *, axe: bool = True) -> None:
        """Run every page check on `page` as it stands; raise AssertionError listing all problems."""
        page.wait_for_load_state("load")
        path = _path(page.url.split("#")[0])
        found: list[str] = []
        size = page.viewport_size or {"width": 1280, "height": 900}
        try:
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": size["height"]})
                found += [f"at {width}px: {p}" for p in page.evaluate(_OVERFLOW_JS, width >= 1280)]
        finally:
            page.set_viewport_size(size)
        found += [f"malformed link {u!r}" for u in page.evaluate(_LINKS_JS)]
        if axe:
            found += self._axe(page)
        if page.locator("html").get_attribute("lang") == "ko":
            found += self._korean(page)
        self.checked.add(path)
        with _lock:
            STATS["checks"] += 1
            PAGES.add(re.sub(r"\d+", "N", urlsplit(page.url).path))
        assert not found, f"{path}:\n  " + "\n  ".join(found)

    def _axe(self, page) -> list[str]:
        assert AXE.exists(), (
            f"{AXE} is missing: run `npm install --prefix tests/e2e` (.ci/run does)"
        )
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        violations = page.evaluate(_AXE_JS)
        with _lock:
            STATS["axe pages"] += 1
            for v in violations:
                STATS[f"axe {v['impact']}"] += v["count"]
        return [
            f"axe {v['impact']} {v['id']} ({v['count']}×): {v['help']}: " + "; ".join(v["nodes"])
            for v in violations
            if v["impact"] in BLOCKING
        ]

    def _korean(self, page) -> list[str]:
        exact, patterns = english_interface()
        left: list[str] = []
        for text in page.evaluate(_TEXTS_JS):
            if text in exact or any(p.match(text) for p in patterns):
                left.append(text)
            elif re.search(r"\b\d{1,2}월 \d{4}\b", text):
                left.append(f"English date order: {text}")
        return [f"left in English on a Korean page: {t!r}" for t in dict.fromkeys(left)]

    def problems(self) -> list[str]:
        unchecked = [url for path, url in self.visited.items() if path not in self.checked]
        return self.errors + [f"visited but never checked: {u}" for u in unchecked]
