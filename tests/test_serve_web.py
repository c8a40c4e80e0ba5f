"""The playground page at `/`, in a real browser: headless Chromium driven by Selenium types a task and an input
and reads the adapted answer off the page; it must equal the API's answer for the same request. Debian's `chromium`
and `chromium-driver` are found, or installed when running as root; absent, the test fails naming them."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest

from t2l_edge.serve import ServeSettings, start_server

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
pytestmark = pytest.mark.slow

PACKAGES = ("chromium", "chromium-driver")
BROWSERS = ("chromium", "chromium-browser")
DRIVERS = ("chromedriver",)
KEY = "web-test-key-0123456789"
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "serve-playground.png"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1200,1180")


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


def test_page_answers_with_the_generated_adapter(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    task, text = "Reverse the order of the words.", "red fox jumps"
    browser.get(server.url + "/")
    assert "t2l-edge playground" in browser.title
    assert not browser.find_elements(By.CSS_SELECTOR, "script[src^='http'], link[href^='http']")  # no CDN
    browser.find_element(By.ID, "task").send_keys(task)
    browser.find_element(By.ID, "prompt").send_keys(text)
    browser.execute_script("document.querySelector('details').open = true")
    browser.find_element(By.ID, "api-key").send_keys(KEY)
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 120).until(EC.text_to_be_present_in_element((By.ID, "status"), "Done."))
    adapted = browser.find_element(By.ID, "adapted-answer").text
    base = browser.find_element(By.ID, "base-answer").text
    info = browser.find_element(By.ID, "adapter-info").text

    expected = httpx.post(server.url + "/v1/completions", headers={"Authorization": f"Bearer {KEY}"}, timeout=120,
                          json={"prompt": text, "task": task, "format": "io-v1", "temperature": 0,
                                "max_tokens": 32}).json()
    assert adapted == expected["choices"][0]["text"].strip() and adapted
    assert adapted != base
    assert expected["t2l"]["adapter"] in info and "generated in" in info
    SCREENSHOT.parent.mkdir(exist_ok=True)
    browser.save_screenshot(str(SCREENSHOT))

    # the download button fetches the adapter's GGUF (with the key) and hands it to the browser
    browser.execute_script("""
        window.__downloaded = null;
        const click = HTMLAnchorElement.prototype.click;
        HTMLAnchorElement.prototype.click = function () {
          window.__downloaded = this.download;
          fetch(this.href).then((r) => r.arrayBuffer()).then((b) => { window.__bytes = b.byteLength; });
        };
    """)
    browser.find_element(By.ID, "download").click()
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return window.__bytes"))
    assert browser.execute_script("return window.__downloaded") == expected["t2l"]["adapter"] + ".gguf"
    gguf = httpx.get(f"{server.url}/v1/adapters/{expected['t2l']['adapter']}/gguf",
                     headers={"Authorization": f"Bearer {KEY}"})
    assert browser.execute_script("return window.__bytes") == len(gguf.content) > 0


def test_page_shows_a_wrong_key_as_an_error(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url + "/")
    browser.find_element(By.ID, "task").send_keys("Write the text in uppercase.")
    browser.find_element(By.ID, "prompt").send_keys("hello")
    browser.find_element(By.ID, "run").click()  # no key typed
    WebDriverWait(browser, 60).until(lambda d: "error" in (d.find_element(By.ID, "status").get_attribute("class") or ""))
    assert "API key" in browser.find_element(By.ID, "status").text
