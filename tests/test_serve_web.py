"""The playground page at `/`, in a real browser: headless Chromium driven by Selenium runs the page's example tasks
and a typed one against a real server (the real Gemma 3 270M and the shipped generator) and reads the answers off the
page; they must equal the API's answers for the same requests. Debian's `chromium` and `chromium-driver` are found,
or installed when running as root; absent, the test fails naming them.

Also checked: the example tasks in static/examples.json still get their expected answers from the default
hypernetwork (refresh the file with examples/playground_examples.py after shipping a new one), stale answers are
cleared when a run starts, nothing shifts while answers arrive (Chromium's layout-shift entries), the download button
stays in view at 1280×800 with Options open, a 401 opens the key field, and /favicon.ico is an icon.

Screenshots at 1280×800 and 390×844 are taken every run; T2L_EDGE_UPDATE_SCREENSHOTS=1 (`make screenshots`) writes
them to docs/, so that a plain test run leaves the tree clean."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest

from t2l_edge.serve import ServeSettings, start_server
from t2l_edge.serve.app import STATIC_DIR

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
pytestmark = pytest.mark.slow

PACKAGES = ("chromium", "chromium-driver")
BROWSERS = ("chromium", "chromium-browser")
DRIVERS = ("chromedriver",)
KEY = "web-test-key-0123456789"
DOCS = Path(__file__).resolve().parents[1] / "docs"
SCREENS = {"desktop": (1280, 800, False), "phone": (390, 844, True)}  # name: (width, height, mobile)
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars=false", "--window-size=1280,800")
EXAMPLES = json.loads((STATIC_DIR / "examples.json").read_text())["examples"]
MAX_TOKENS = 32  # the page's default


def _which(names) -> str | None:
    return next((p for p in map(shutil.which, names) if p), None)


def find_chromium() -> tuple[str, str]:
    """(browser, driver) paths; installs the Debian packages when missing and running as root (apt-get)."""
    browser, driver = _which(BROWSERS), _which(DRIVERS)
    if (browser is None or driver is None) and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=False, env=env, capture_output=True, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-q", *PACKAGES], check=False, env=env, capture_output=True,
                       timeout=1200)
        browser, driver = _which(BROWSERS), _which(DRIVERS)
    if browser is None or driver is None:
        pytest.fail(f"the web page test needs a headless Chromium and its driver: install the Debian packages "
                    f"{' and '.join(PACKAGES)} (apt-get install {' '.join(PACKAGES)})")
    return browser, driver


@pytest.fixture(scope="module")
def server():
    with start_server(ServeSettings(port=0, api_key=KEY, context=512)) as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = find_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tempfile.mkdtemp(prefix="t2l-chromium-")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def api(server, body: dict) -> dict:
    r = httpx.post(server.url + "/v1/completions", headers={"Authorization": f"Bearer {KEY}"}, timeout=900, json=body)
    assert r.status_code == 200, r.text
    return r.json()


def screen(browser, name: str) -> None:
    width, height, mobile = SCREENS[name]
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def open_page(browser, server, name: str = "desktop", key: bool = True) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    screen(browser, name)
    browser.get(server.url + "/")
    # every layout shift from here on, with whether an input came just before (Chromium's own accounting)
    browser.execute_script("""
        window.__shifts = [];
        new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__shifts.push(
            {value: e.value, recent: e.hadRecentInput}); }).observe({type: 'layout-shift', buffered: true});
    """)
    WebDriverWait(browser, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#examples button")) == len(EXAMPLES))
    if key:
        browser.execute_script("document.getElementById('options').open = true")
        browser.find_element(By.ID, "api-key").send_keys(KEY)
        browser.execute_script("document.getElementById('options').open = false")


def wait_done(browser, timeout: int = 900) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, timeout).until(EC.text_to_be_present_in_element((By.ID, "status"), "Done."))


def text(browser, element_id: str) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.ID, element_id).get_attribute("textContent")


def test_examples_get_their_expected_answers_from_the_default(server):
    """static/examples.json against the real default through the real server, as the page asks (adapter at its own
    prompt mode, greedy); and the base told the task does not already answer them all."""
    assert 3 <= len(EXAMPLES) <= 6
    told_right = 0
    for ex in EXAMPLES:
        adapter = httpx.post(server.url + "/v1/adapters", headers={"Authorization": f"Bearer {KEY}"},
                             json={"task": ex["task"]}, timeout=900).json()["id"]
        adapted = api(server, {"prompt": ex["input"], "adapter": adapter, "max_tokens": MAX_TOKENS})
        assert adapted["choices"][0]["text"].strip() == ex["expected"], ex
        told = api(server, {"prompt": ex["input"], "adapter": adapter, "prompt_mode": "instructed", "lora_scale": 0,
                            "max_tokens": MAX_TOKENS})
        told_right += told["choices"][0]["text"].strip() == ex["expected"]
    assert told_right < len(EXAMPLES)  # the adapter adds something the description alone does not


def test_page_runs_an_example_side_by_side(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    open_page(browser, server)
    assert "t2l-edge playground" in browser.title
    assert not browser.find_elements(By.CSS_SELECTOR, "script[src^='http'], link[href^='http']")  # no CDN
    example = EXAMPLES[0]
    browser.find_elements(By.CSS_SELECTOR, "#examples button")[0].click()
    wait_done(browser)
    assert browser.find_element(By.ID, "task").get_attribute("value") == example["task"]
    adapted, told = text(browser, "adapted-answer"), text(browser, "base-answer")
    assert adapted == example["expected"]
    adapter = text(browser, "adapter-info").split()[1].rstrip(":")
    expected_told = api(server, {"prompt": example["input"], "adapter": adapter, "prompt_mode": "instructed",
                                 "lora_scale": 0, "max_tokens": MAX_TOKENS})
    assert told == (expected_told["choices"][0]["text"].strip() or "(empty answer)")
    assert text(browser, "base-prompt") == f"{example['task']}\n\nInput: {example['input']}\nOutput:"
    assert "answered in" in text(browser, "base-latency") and "answered in" in text(browser, "adapted-latency")
    assert "MiB" in text(browser, "adapter-info") and ("generated in" in text(browser, "adapter-info")
                                                       or "cached" in text(browser, "adapter-info"))
    shifts = browser.execute_script("return window.__shifts")
    assert sum(s["value"] for s in shifts if not s["recent"]) < 0.01, shifts
    for name in SCREENS:
        screen(browser, name)
        # a phone shows the form first: scroll the answers into view
        browser.execute_script("window.scrollTo(0, 0)" if name == "desktop" else
                               "document.getElementById('results').scrollIntoView({block: 'end'})")
        target = DOCS / f"serve-playground-{name}.png" if os.environ.get("T2L_EDGE_UPDATE_SCREENSHOTS") \
            else tmp_path / f"{name}.png"
        assert browser.save_screenshot(str(target)) and target.stat().st_size > 10_000


def test_a_typed_task_then_another_clears_stale_answers(server, browser):
    from selenium.webdriver.common.by import By

    open_page(browser, server)
    task, prompt = "Reverse the order of the words.", "red fox jumps"
    browser.find_element(By.ID, "task").send_keys(task)
    browser.find_element(By.ID, "prompt").send_keys(prompt)
    browser.execute_script("document.getElementById('options').open = true")
    browser.find_element(By.ID, "run").click()
    wait_done(browser)
    expected = api(server, {"prompt": prompt, "task": task, "max_tokens": MAX_TOKENS})
    assert text(browser, "adapted-answer") == (expected["choices"][0]["text"].strip() or "(empty answer)")
    # with Options open, the download button is still in view at 1280x800
    bottom = browser.execute_script("return document.getElementById('download').getBoundingClientRect().bottom")
    assert bottom <= 800, bottom

    # a second run: while it works, the first run's answers are gone
    browser.execute_script("""
        window.__seen = [];
        const watch = new MutationObserver(() => window.__seen.push(document.getElementById('adapted-answer').textContent));
        watch.observe(document.getElementById('adapted-answer'), {childList: true, characterData: true, subtree: true});
    """)
    browser.find_element(By.ID, "task").clear()
    browser.find_element(By.ID, "task").send_keys("Write the text in uppercase.")
    browser.find_element(By.ID, "run").click()
    wait_done(browser)
    seen = browser.execute_script("return window.__seen")
    assert seen[0] == "…", seen  # cleared first, before any new answer

    # the download button fetches the adapter's GGUF (with the key) and hands it to the browser
    adapter = text(browser, "adapter-info").split()[1].rstrip(":")
    browser.execute_script("""
        window.__downloaded = null;
        HTMLAnchorElement.prototype.click = function () {
          window.__downloaded = this.download;
          fetch(this.href).then((r) => r.arrayBuffer()).then((b) => { window.__bytes = b.byteLength; });
        };
    """)
    browser.find_element(By.ID, "download").click()
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return window.__bytes"))
    assert browser.execute_script("return window.__downloaded") == adapter + ".gguf"
    gguf = httpx.get(f"{server.url}/v1/adapters/{adapter}/gguf", headers={"Authorization": f"Bearer {KEY}"})
    assert browser.execute_script("return window.__bytes") == len(gguf.content) > 0


def test_a_401_opens_the_key_field(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    open_page(browser, server, key=False)
    assert browser.find_element(By.ID, "options").get_attribute("open") is None  # collapsed to start with
    browser.find_element(By.ID, "task").send_keys("Write the text in uppercase.")
    browser.find_element(By.ID, "prompt").send_keys("hello")
    browser.find_element(By.ID, "run").click()  # no key typed
    WebDriverWait(browser, 60).until(lambda d: "error" in (d.find_element(By.ID, "status").get_attribute("class") or ""))
    assert "API key" in text(browser, "status")
    assert browser.find_element(By.ID, "options").get_attribute("open") is not None
    assert browser.execute_script("return document.activeElement.id") == "api-key"


def test_favicon(server):
    r = httpx.get(server.url + "/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml") and b"<svg" in r.content
