"""The live page in a real headless Chromium (Debian's ``chromium``, driven by Playwright):
it loads, connects to the stream, shows frames, signs typed gloss text and plots latency."""

from __future__ import annotations

import base64
import io
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

CHROMIUM = os.environ.get("SIGNGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = os.environ.get("SIGNGEN_SCREENSHOT")  # where to save the page (docs/serve_page.png)
TIMEOUT_MS = 120_000
DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(), reason=f"no Chromium at {CHROMIUM} (make test installs it)"
)


def _shown(data_url: str) -> np.ndarray:
    header, payload = data_url.split(",", 1)
    assert header.startswith("data:image/jpeg;base64")
    with Image.open(io.BytesIO(base64.b64decode(payload))) as image:
        return np.asarray(image.convert("RGB"))


def test_page_connects_shows_frames_and_signs(live_server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 620})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"http://{live_server}/")
            page.wait_for_function("document.getElementById('status').dataset.state === 'open'")
            assert page.locator("#reference option").all_inner_texts() == ["synthetic", "signer"]
            page.wait_for_function("Number(document.body.dataset.frames || 0) >= 3")
            first = _shown(page.get_attribute("#frame", "src") or "")
            assert first.shape == (128, 128, 3) and first.std() > 5
            assert page.evaluate("document.getElementById('frame').naturalWidth") == 128

            page.select_option("#language", "sgg")
            page.wait_for_function(
                "document.getElementById('message').textContent.startsWith('ready')"
            )
            page.fill("#gloss", "PIZZA")
            page.click("#sign")
            page.wait_for_function(
                "document.getElementById('current-gloss').textContent === 'PIZZA'"
            )
            signing = _shown(page.get_attribute("#frame", "src") or "")
            assert np.abs(signing.astype(np.float32) - first).mean() > 2.0

            stats = page.inner_text("#stats")
            assert "p50" in stats and "p95" in stats and "–" not in stats.split("p50")[1]
            plotted = page.evaluate(
                "(() => { const c = document.getElementById('latency');"
                " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                " let blue = 0; for (let i = 0; i < d.length; i += 4)"
                " if (d[i + 2] > 150 && d[i] < 120) blue++; return blue; })()"
            )
            assert plotted > 50  # the latency line is drawn
            if SCREENSHOT:  # the picture in docs/: a longer plot, mid-sentence
                page.wait_for_function("Number(document.body.dataset.frames) >= 60")
                page.fill("#gloss", "KLEINE KINDER ESSEN PIZZA")
                page.click("#sign")
                page.wait_for_function(
                    "document.getElementById('current-gloss').textContent === 'ESSEN'"
                )
            page.screenshot(path=SCREENSHOT or str(tmp_path / "page.png"))

            page.fill("#gloss", "FOO")
            page.click("#sign")
            page.wait_for_function(
                "document.getElementById('message').textContent.startsWith('error')"
            )
            assert "no sign" in page.inner_text("#message")
            assert page.get_attribute("#status", "data-state") == "open"

            # An uploaded photo becomes the signer (scaled in the page, framed by the server).
            page.set_input_files("#upload", str(DATA / "fake_human_256.png"))
            page.wait_for_function(
                "document.getElementById('message').textContent.startsWith('ready')"
            )
            count = int(page.evaluate("document.body.dataset.frames"))
            page.wait_for_function(f"Number(document.body.dataset.frames) >= {count + 3}")
            uploaded = _shown(page.get_attribute("#frame", "src") or "")
            assert np.abs(uploaded.astype(np.float32) - first).mean() > 5.0  # another signer
        finally:
            browser.close()
