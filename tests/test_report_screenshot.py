"""The screenshot of the acme report in the docs is still what the report looks like.

``docs/assets/report-acme.png`` is the first screen of the acme report in chromium.
The test renders it again and compares the two with Pillow: a small tolerance absorbs
anti-aliasing, while a section gone, a new line in the header or a layout that moved
fails. Regenerate the image from the repository root, in the project's environment::

    python -m tests.test_report_screenshot

Marked ``browser``: left out of the run without chromium and Playwright, unless
``ALIGNKIT_REQUIRE_BROWSER=1``, where a missing browser fails it.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest

from alignkit.alignment_file import load
from alignkit.report import build
from tests.test_report_browser import ARGS, AT, CHROMIUM
from tests.test_report_browser import browser as browser  # noqa: PLC0414 - the fixture

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ACME = "examples/acme/alignment.yaml"
"""Relative to ROOT: the page's header shows this path, the same on every checkout."""
SCREENSHOT = ROOT / "docs" / "assets" / "report-acme.png"
REGENERATE = "python -m tests.test_report_screenshot"
VIEWPORT = {"width": 1280, "height": 900}

MAX_MEAN = 0.5
"""Largest mean absolute difference per channel (of 255) between the two images."""
CHANGED = 32
"""A pixel whose channels differ by more than this has changed."""
MAX_CHANGED = 0.002
"""Largest share of changed pixels."""


def screenshot(browser: Any) -> bytes:
    """The first screen of the acme report as a PNG: 1280x900, scale 1, light scheme."""
    with contextlib.chdir(ROOT):
        page_text = build(load(ACME), at=AT)
    page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1, color_scheme="light")
    try:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "acme.html"
            path.write_text(page_text, encoding="utf-8")
            page.goto(path.as_uri())
            return bytes(page.screenshot(type="png", animations="disabled"))
    finally:
        page.close()


@attrs.frozen
class Difference:
    """How far two images of the same size are apart."""

    mean: float
    """Mean absolute difference per channel, of 255."""
    changed: float
    """Share of pixels with a channel that differs by more than CHANGED."""

    @classmethod
    def between(cls, expected: bytes, actual: bytes) -> Difference:
        from PIL import Image, ImageChops, ImageStat

        first = Image.open(io.BytesIO(expected)).convert("RGB")
        second = Image.open(io.BytesIO(actual)).convert("RGB")
        if first.size != second.size:
            raise ValueError(f"The sizes differ: {first.size} and {second.size}")
        difference = ImageChops.difference(first, second)
        channels = difference.split()
        largest = channels[0]
        for channel in channels[1:]:
            largest = ImageChops.lighter(largest, channel)
        histogram = largest.histogram()
        pixels = first.width * first.height
        return cls(
            mean=sum(ImageStat.Stat(difference).mean) / len(channels),
            changed=sum(histogram[CHANGED + 1 :]) / pixels,
        )

    @property
    def small(self) -> bool:
        return self.mean < MAX_MEAN and self.changed < MAX_CHANGED


def test_the_docs_screenshot_is_the_report_as_it_renders(browser: Any):
    """docs/assets/report-acme.png matches the acme report, within anti-aliasing."""
    from PIL import Image

    expected = SCREENSHOT.read_bytes()
    actual = screenshot(browser)
    hint = (
        f"the report changed: regenerate {SCREENSHOT.relative_to(ROOT)} by running "
        f"`{REGENERATE}` from the repository root"
    )
    size = Image.open(io.BytesIO(expected)).size
    assert size == (VIEWPORT["width"], VIEWPORT["height"]), f"size {size}: {hint}"
    difference = Difference.between(expected, actual)
    assert difference.small, (
        f"mean difference {difference.mean:.3f} (limit {MAX_MEAN}), "
        f"{difference.changed:.3%} of pixels changed (limit {MAX_CHANGED:.1%}): {hint}"
    )


class TestDifference:
    """The comparison itself: it tells an unchanged image from a changed one."""

    @staticmethod
    def png(image: Any) -> bytes:
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()

    def test_an_image_does_not_differ_from_itself(self):
        expected = SCREENSHOT.read_bytes()
        assert Difference.between(expected, expected) == Difference(mean=0.0, changed=0.0)

    def test_a_section_gone_is_a_change(self):
        from PIL import Image, ImageDraw

        image = Image.open(io.BytesIO(SCREENSHOT.read_bytes())).convert("RGB")
        ImageDraw.Draw(image).rectangle((0, 450, 1279, 899), fill="white")
        assert not Difference.between(SCREENSHOT.read_bytes(), self.png(image)).small

    def test_a_layout_moved_by_a_line_is_a_change(self):
        from PIL import Image, ImageChops

        image = Image.open(io.BytesIO(SCREENSHOT.read_bytes())).convert("RGB")
        moved = ImageChops.offset(image, 0, 20)
        assert not Difference.between(SCREENSHOT.read_bytes(), self.png(moved)).small

    def test_images_of_different_sizes_cannot_be_compared(self):
        from PIL import Image

        image = Image.open(io.BytesIO(SCREENSHOT.read_bytes())).crop((0, 0, 1280, 800))
        with pytest.raises(ValueError, match="The sizes differ"):
            Difference.between(SCREENSHOT.read_bytes(), self.png(image))


def main() -> None:
    """Write docs/assets/report-acme.png from the report as it renders now."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            SCREENSHOT.write_bytes(screenshot(launched))
        finally:
            launched.close()


if __name__ == "__main__":
    main()
