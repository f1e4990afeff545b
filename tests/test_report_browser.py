"""The alignment report in a real browser: Debian's chromium, driven by Playwright.

Marked ``browser``: without chromium and Playwright these tests are left out of the
run (``tests/conftest.py``), unless ``ALIGNKIT_REQUIRE_BROWSER=1`` (as CI sets it),
where a missing browser fails them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alignkit.alignment_file import load, loads
from alignkit.report import build
from tests.conftest import CHROMIUM
from tests.test_report import ACME, HOSTILE

pytestmark = pytest.mark.browser

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
AT = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)

FINDINGS = """\
version: 1
org:
  functions:
    - {name: Sales, head: ana}
    - {name: Support}
  people:
    - {id: ana, name: Ana, function: Sales, manager: nobody}
    - {id: ben, name: Ben, function: Sales}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: pip install -e '.[test]'")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium is missing at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


class Opened:
    """A page of the report, with what the browser reported while showing it."""

    def __init__(self, browser: Any, page_text: str, path: Path) -> None:
        path.write_text(page_text, encoding="utf-8")
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visible(self, selector: str) -> int:
        return int(
            self.page.evaluate(
                "(s) => Array.from(document.querySelectorAll(s))"
                ".filter((e) => e.offsetParent !== null).length",
                selector,
            )
        )


@pytest.fixture
def acme(browser: Any, tmp_path: Path) -> Iterator[Opened]:
    opened = Opened(browser, build(load(ACME), at=AT), tmp_path / "acme.html")
    yield opened
    opened.page.close()


def test_every_section_renders_with_no_error_and_no_request(acme: Opened):
    for key in ("rights", "org", "teams", "incentives", "handoffs", "streams", "channels"):
        assert acme.page.locator(f"section#{key} h2").is_visible()
    assert acme.visible("th.decision") == 21
    assert acme.visible("section#teams tbody tr") == 3
    assert acme.visible("section#incentives .card") == 3
    assert acme.page.locator("section#org li").count() == 40
    assert acme.errors == []
    assert acme.requests == [acme.page.url]


def test_the_category_and_function_filters(acme: Opened):
    rights = load(ACME).decision_rights
    finance = sum(1 for d in rights.decisions if d.category == "finance")
    acme.page.select_option("#filter-category", "finance")
    assert acme.visible("th.decision") == finance
    acme.page.select_option("#filter-category", "")
    assert acme.visible("th.decision") == 21
    acme.page.select_option("#filter-function", "IT")
    rows = acme.page.locator("table.heatmap tbody tr:visible")
    assert rows.count() >= 1
    assert set(rows.evaluate_all("(rs) => rs.map((r) => r.dataset.function)")) == {"IT"}


def test_sorting_parties_and_decisions(acme: Opened):
    first_party = "table.heatmap tbody tr:first-child"
    loads_shown = acme.page.locator("table.heatmap tbody tr").evaluate_all(
        "(rs) => rs.map((r) => Number(r.dataset.load))"
    )
    assert loads_shown == sorted(loads_shown, reverse=True)  # by load to begin with
    acme.page.click("#sort-parties")
    names = acme.page.locator("table.heatmap tbody tr").evaluate_all(
        "(rs) => rs.map((r) => r.dataset.party)"
    )
    assert names == sorted(names)
    assert acme.page.locator(first_party).get_attribute("data-party") == names[0]
    acme.page.click("#sort-decisions")
    first = acme.page.locator("th.decision").first.get_attribute("data-decision")
    table = load(ACME).decision_rights.to_table()
    assert len(table[first]) == max(len(cells) for cells in table.values())
    # Every row's cells moved with their headers: a cell still sits under its decision.
    header_ids = acme.page.locator("th.decision").evaluate_all(
        "(hs) => hs.map((h) => h.dataset.decision)"
    )
    row_ids = acme.page.locator("table.heatmap tbody tr:first-child td").evaluate_all(
        "(ds) => ds.map((d) => d.dataset.decision)"
    )
    assert row_ids == header_ids


def test_clicking_a_decision_shows_who_decides(acme: Opened):
    assert not acme.page.locator("#decision-detail").is_visible()
    acme.page.click('th.decision[data-decision="approve-annual-budget"]')
    detail = acme.page.locator("#decision-detail")
    assert detail.is_visible()
    text = detail.inner_text()
    assert "Approve the annual budget" in text
    assert "Who may decide\nceo" in text
    assert "Consulted\nSales, Marketing, Operations, IT" in text


def test_the_findings_filter(browser: Any, tmp_path: Path):
    alignment = loads(FINDINGS)
    report = alignment.check(at=AT)
    severities = [d.severity.value for d in report.diagnostics]
    assert len(set(severities)) >= 2  # the filter has something to tell apart
    opened = Opened(browser, build(alignment, at=AT), tmp_path / "findings.html")
    assert opened.visible("table.findings tbody tr") == len(severities)
    for severity in set(severities):
        opened.page.select_option("#filter-severity", severity)
        assert opened.visible("table.findings tbody tr") == severities.count(severity)
        assert opened.page.locator("#findings-shown").inner_text() == str(
            severities.count(severity)
        )
    opened.page.select_option("#filter-severity", "")
    opened.page.select_option("#filter-section", "org")
    sections = [
        str(d.location.path[0]) if d.location and d.location.path else "file"
        for d in report.diagnostics
    ]
    assert opened.visible("table.findings tbody tr") == sections.count("org")
    assert opened.errors == []
    opened.page.close()


def test_text_from_the_file_shows_as_text(browser: Any, tmp_path: Path):
    opened = Opened(browser, build(loads(HOSTILE), at=AT), tmp_path / "hostile.html")
    org = opened.page.locator("section#org").inner_text()
    assert "<script>alert(1)</script>" in org
    assert 'O\'Brien "the <i>boss</i>" & co' in org
    assert opened.page.locator("section#org script, section#org i, section#rights img").count() == 0
    opened.page.click('th.decision[data-decision="approve-deal"]')
    assert 'Approve "big" deals & <img src=x onerror=alert(2)>' in (
        opened.page.locator("#decision-detail").inner_text()
    )
    assert opened.dialogs == []
    assert opened.errors == []
    opened.page.close()


def test_a_narrow_screen_and_print(browser: Any, tmp_path: Path):
    path = tmp_path / "acme.html"
    path.write_text(build(load(ACME), at=AT), encoding="utf-8")
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(path.as_uri())
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # the heatmap scrolls inside its box, the page does not
    page.emulate_media(media="print")
    assert not page.locator(".controls").first.is_visible()
    page.close()
