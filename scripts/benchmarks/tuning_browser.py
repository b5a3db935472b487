"""The tuning page in Chromium: a slider moved with the keyboard until the page shows the new migration figures."""
from __future__ import annotations

from scripts.benchmarks.common import REPO, Context, Row


def slider_to_figures(ctx: Context) -> list[Row]:
    """Slider moved with the keyboard in Chromium -> the migration caption shows the new figures."""
    import importlib.util
    import re
    import shutil
    import tempfile
    import time
    from pathlib import Path

    from scripts.app_server import streamlit_server

    spec = importlib.util.spec_from_file_location("shot", REPO / "scripts" / "screenshot.py")
    shot = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shot)
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp())
    shutil.copy(REPO / "model.yaml", tmp / "model.yaml")  # a publish in the page never touches the repo's model
    try:
        with streamlit_server(ctx.data, model=tmp / "model.yaml") as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shot.CHROMIUM, args=shot.CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1400})
            page.goto(f"{url}/tuning")
            shot.wait_until_idle(page, 300_000)
            caption = page.get_by_text(re.compile(r"change tier \("))
            times = []
            for key in ("End", "Home", "End"):
                old = caption.inner_text()
                thumb = page.get_by_role("slider").nth(4)  # financial, the fifth component
                start = time.perf_counter()
                thumb.press(key)
                page.wait_for_function("(old) => ![...document.querySelectorAll('p')].some(p => p.innerText === old)",
                                       arg=old, timeout=60_000)
                times.append(time.perf_counter() - start)
            browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [Row("tuning page in Chromium: slider moved -> new migration figures shown (median of 3)",
                sorted(times)[1])]
