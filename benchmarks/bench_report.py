"""The alignment report on a large file: made, and opened in a real browser.

From a fixed seed (the generator of ``bench_check.py``), in a temporary directory:
an alignment file of ``--size`` decisions (10,000 by default) over 2,000 parties
(1,980 people and 20 functions) in an org of 5,000 people, every decision with an
accountable, a responsible and 0-5 consulted and informed parties.

Timed, each ``--runs`` times in turn (A B C A B C ...):

* **report, whole command**: ``alignkit report FILE -o report.html --at ...`` in a
  fresh interpreter (import, load, check, gather, render, write): what a user meets;
* **check, whole command**: ``alignkit check FILE`` in a fresh interpreter, the
  baseline: the report runs the same check and adds its own work on top;
* **open in chromium**: Debian's chromium (through Playwright, ``--chromium``)
  loading the written page until its ``load`` event, then the first click on a
  decision until its detail shows.

Figures are medians (min-max); the report over the check is taken run by run.
Targets: the report made in under 5 s and opened in under 5 s.

Usage::

    python benchmarks/bench_report.py [--size 10000] [--runs 5] [--json-out PATH]
        [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import add_common_arguments, machine, machine_line, median_range, ratio, write_json
from bench_check import SEED, make_world, write_alignment

TARGET_MAKE_S = 5.0
TARGET_OPEN_S = 5.0
AT = "2027-01-04T00:00:00+00:00"


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def open_page(chromium: str, page_path: Path) -> tuple[float, float]:
    """Seconds to the page's load event, and from a click on a decision to its detail."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        start = time.perf_counter()
        page.goto(page_path.as_uri(), wait_until="load")
        loaded = time.perf_counter()
        page.click("th.decision >> nth=0")
        page.wait_for_selector("#decision-detail:not(.hidden)")
        clicked = time.perf_counter()
        browser.close()
    return loaded - start, clicked - loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser, size=10_000, what="decisions")
    parser.add_argument(
        "--chromium", default="/usr/bin/chromium", help="The browser to open it in."
    )
    args = parser.parse_args()
    print(machine_line())
    alignkit = [sys.executable, "-m", "alignkit"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "alignment.yaml"
        page = Path(folder) / "report.html"
        world = make_world(
            random.Random(SEED), decisions=args.size, people=5_000, functions=20, parties=2_000
        )
        write_alignment(world, path)
        size_mb = path.stat().st_size / 1e6
        print(f"file: {args.size:,} decisions, 2,000 parties, 5,000 people ({size_mb:.1f} MB)")
        report_cmd = [*alignkit, "report", str(path), "-o", str(page), "--at", AT]
        check_cmd = [*alignkit, "check", str(path)]
        subprocess.run(report_cmd, check=True, capture_output=True)
        subprocess.run(check_cmd, check=False, capture_output=True)
        made, checked, opened, clicked = [], [], [], []
        for _ in range(args.runs):
            made.append(wall(report_cmd))
            checked.append(wall(check_cmd))
            load_s, click_s = open_page(args.chromium, page)
            opened.append(load_s)
            clicked.append(click_s)
        page_mb = page.stat().st_size / 1e6
        figures: dict[str, Any] = {
            "machine": machine(),
            "size": args.size,
            "runs": args.runs,
            "page_mb": page_mb,
            "report_s": median_range(made),
            "check_s": median_range(checked),
            "report_over_check": ratio(made, checked),
            "open_s": median_range(opened),
            "first_click_s": median_range(clicked),
            "samples": {"report": made, "check": checked, "open": opened, "click": clicked},
        }

    def shown(key: str) -> str:
        value = figures[key]
        return f"{value['median']:.2f} s ({value['min']:.2f}-{value['max']:.2f})"

    print(f"page: {page_mb:.2f} MB")
    print(f"report, whole command   {shown('report_s')}   target < {TARGET_MAKE_S:.0f} s")
    print(f"check, whole command    {shown('check_s')}")
    share = figures["report_over_check"]
    spread = f"{share['min']:.2f}-{share['max']:.2f}"
    print(f"report / check, run by run: {share['median']:.2f}x ({spread})")
    print(f"open in chromium        {shown('open_s')}   target < {TARGET_OPEN_S:.0f} s")
    print(f"first click to detail   {shown('first_click_s')}")
    print(machine_line())
    write_json(args.json_out, figures)


if __name__ == "__main__":
    main()
