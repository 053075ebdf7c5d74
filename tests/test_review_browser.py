"""The review page in a real browser: Debian's headless Chromium driven by Selenium through
Debian's chromedriver (both from the Makefile's TEST_DEBS; Selenium is given both paths and never
downloads anything). Two scans of our own text (a page fed in sideways, as a PNG, and a PDF) are
processed by the real pipeline; the page must show each page image upright with every word's box
on its ink, jump to an unsure word, save a correction typed in, and the correction must then be
in the regenerated .txt, .json, .docx and ALTO. A screenshot is left as review.png in the test's
temporary folder (pytest keeps the last runs' folders: /tmp/pytest-of-USER/pytest-N/...)."""
from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import threading
import time

import numpy as np
import pytest
from PIL import Image

from tests.scanpages import PLAN_A, PLAN_B, PLAN_C, render, scanned, turned

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CORRECTION = "kiểmtra"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail("Chromium and its driver are needed: apt-get install chromium chromium-driver (make test does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    os.environ.setdefault("SE_OFFLINE", "true")          # Selenium Manager never goes online
    profile = tempfile.mkdtemp(prefix="sohoa-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", "--window-size=1500,950"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def reviewed_folder(tmp_path_factory):
    from pipeline.api import ProcessOptions
    from pipeline.batch import run_batch
    src = tmp_path_factory.mktemp("scans")
    page = scanned(render(PLAN_A + PLAN_B), noise=12, blur=1.0, seed=3)
    Image.fromarray(turned(page, 90)).save(src / "hung-thinh.png", dpi=(300, 300))
    Image.fromarray(scanned(render(PLAN_C + ["Số: 15/KH-UBND ngày 12/3/2026 của UBND xã Hưng Thịnh."]),
                            noise=12, blur=1.0, seed=4)).save(src / "to-chuc.pdf", resolution=300)
    out = tmp_path_factory.mktemp("out")
    options = ProcessOptions(outdir=out, jobs=2, formats=("json", "docx", "txt", "alto"))
    assert run_batch([src], options, stream=open(os.devnull, "w")) == 0
    return out


@pytest.fixture
def server(reviewed_folder):
    from pipeline.review.server import ReviewServer
    from pipeline.review.store import ReviewStore
    srv = ReviewServer(ReviewStore(reviewed_folder))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def wait_for(condition, timeout=20.0, what="the page"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_review_in_a_real_browser(browser, server, reviewed_folder, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    store = server.store
    by_name = {name: did for did, name in store.names().items()}
    did = by_name["hung-thinh"]
    api_doc = store.document(did)
    plan_before = (reviewed_folder / "hung-thinh.json").read_text(encoding="utf-8")
    unsure = [w for w in api_doc["words"] if w["unsure"]]
    assert unsure, "the degraded scan should leave some unsure words"
    # the unsure word to correct: the first whose text the plan carries (so it must come back in the JSON)
    k, target = next((k, w) for k, w in enumerate(unsure) if w["text"].isalpha() and w["text"] in plan_before)

    # the list, the most in need of review first
    browser.get(server.url)
    rows = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#documents tbody tr"), what="the document list")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == ["hung-thinh", "to-chuc"] or \
        sorted(r.find_element(By.TAG_NAME, "td").text for r in rows) == ["hung-thinh", "to-chuc"]
    next(r for r in rows if r.find_element(By.TAG_NAME, "td").text == "hung-thinh").click()

    # the page image, upright, and one box per placed word, where the API puts it
    img = wait_for(lambda: browser.execute_script(
        "const i = document.querySelector('.page img'); return i && i.complete && i.naturalWidth ? i : null;"),
        what="the page image")
    boxes = browser.find_elements(By.CSS_SELECTOR, ".page .box")
    placed = [w for w in api_doc["words"] if w["box"]]
    assert len(boxes) == len(placed) > 100
    page = api_doc["pages"][0]
    assert page["rotation"] in (90, 270) and page["width"] > page["height"]      # shown upright: wide
    natural = browser.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", img)
    assert abs(natural[0] / natural[1] - page["width"] / page["height"]) < 0.01
    first = browser.execute_script(
        "const b = document.querySelector(`.box[data-id='${arguments[0]}']`).getBoundingClientRect();"
        "const i = arguments[1].getBoundingClientRect();"
        "return [(b.left - i.left) / i.width, (b.top - i.top) / i.height];", placed[0]["id"], img)
    assert abs(first[0] - placed[0]["box"][0] / page["width"]) < 0.01
    assert abs(first[1] - placed[0]["box"][1] / page["height"]) < 0.01
    # ... and the boxes sit on ink: the image the page shows is dark inside them, white around
    png = Image.open(io.BytesIO(store.page_png(did, 1))).convert("L")
    ink = np.asarray(png) < 128
    sx, sy = png.width / page["width"], png.height / page["height"]
    inside = np.zeros_like(ink)
    for w in placed:
        x0, y0, x1, y1 = w["box"]
        inside[int(y0 * sy):int(y1 * sy) + 1, int(x0 * sx):int(x1 * sx) + 1] = True
    assert ink[inside].mean() > 0.08 and ink[~inside].mean() < 0.01

    # keyboard: n jumps from one unsure word to the next, selecting it in the text and on the scan
    body = browser.find_element(By.TAG_NAME, "body")
    for _ in range(k + 1):
        body.send_keys("n")
    selected = browser.find_elements(By.CSS_SELECTOR, ".selected")
    assert {e.get_attribute("data-id") for e in selected} == {target["id"]}
    assert {e.get_attribute("class").split()[0] for e in selected} == {"w", "box"}
    assert browser.find_element(By.ID, "w-original").text == target["original"]

    # e edits; Enter saves
    body.send_keys("e")
    field = browser.switch_to.active_element
    assert field.get_attribute("id") == "edit-text"
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(CORRECTION, Keys.ENTER)
    wait_for(lambda: "saved" in browser.find_element(By.ID, "status").text, timeout=90, what="the save")
    assert "not saved" not in browser.find_element(By.ID, "status").text
    word = browser.find_element(By.CSS_SELECTOR, f".w[data-id='{target['id']}']")
    assert word.text == CORRECTION and "corrected" in word.get_attribute("class")
    browser.save_screenshot(str(tmp_path / "review.png"))

    # the correction is in the outputs made again
    assert CORRECTION in (reviewed_folder / "hung-thinh.txt").read_text(encoding="utf-8").split()
    assert CORRECTION in (reviewed_folder / "hung-thinh.json").read_text(encoding="utf-8")
    from docx import Document
    assert any(CORRECTION in p.text for p in Document(str(reviewed_folder / "hung-thinh.docx")).paragraphs)
    assert f'CONTENT="{CORRECTION}"' in (reviewed_folder / "hung-thinh.alto.xml").read_text(encoding="utf-8")
    saved = json.loads((reviewed_folder / "hung-thinh.corrections.json").read_text(encoding="utf-8"))
    assert saved["words"][target["id"]]["text"] == CORRECTION

    # clicking a box selects its word in the text; a header field is edited in place
    other = next(w for w in placed if w["id"] != target["id"] and w["text"].isalpha())
    ActionChains(browser).move_to_element(
        browser.find_element(By.CSS_SELECTOR, f".box[data-id='{other['id']}']")).click().perform()
    assert "selected" in browser.find_element(By.CSS_SELECTOR, f".w[data-id='{other['id']}']").get_attribute("class")
    signer = browser.find_element(By.ID, "header-signer")
    signer.clear()
    signer.send_keys("Trần Văn Bình", Keys.TAB)
    wait_for(lambda: json.loads((reviewed_folder / "hung-thinh.json").read_text(encoding="utf-8"))["header"]["signer"]
             == "Trần Văn Bình", what="the header edit")
    assert (tmp_path / "review.png").stat().st_size > 10_000
