"""The HTML report in a real browser (issue 15 point 4): headless Chromium driven by Selenium
opens the demo recording's report with the network switched off, and the page must load with no
console error and no network request, every image decoded (naturalWidth > 0), and the seizure
count shown equal to the detect JSON's. A screenshot is saved under build/ for a person to look
at. Without Chromium, chromedriver or selenium the test is skipped, saying which is missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from truth_detections import SAMPLE_DIR

ROOT = Path(__file__).resolve().parents[2]
DEMO = SAMPLE_DIR / "migrating_referential.edf"


def _browser():
    try:
        from selenium import webdriver
    except ImportError:
        pytest.skip("selenium is not installed (the test extra pins it)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip(
            "no chromium/chromedriver (Debian: apt-get install chromium "
            "chromium-driver; scripts/install_deps.sh installs them)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = webdriver.ChromeService(executable_path=driver)
    return webdriver.Chrome(options=options, service=service)


def test_report_opens_in_headless_chromium(tmp_path):
    import ictaltrack

    detections = tmp_path / "demo.json"
    ictaltrack.detect(DEMO).to_json(detections)
    result = ictaltrack.DetectionResult.from_json(detections)
    report = tmp_path / "report.html"
    result.to_html(report, DEMO)
    expected = json.loads(detections.read_text(encoding="utf-8"))

    browser = _browser()
    try:
        # No network at all: any request other than the file itself would fail and be logged.
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
        )
        browser.get(report.as_uri())
        assert browser.execute_script("return document.readyState") == "complete"
        images = browser.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])"
        )
        assert len(images) == 1 + 3 * len(expected["seizures"])
        assert all(complete and width > 0 for complete, width, _ in images), images
        shown = browser.execute_script("return document.getElementById('n-seizures').textContent")
        assert int(shown) == len(expected["seizures"])
        requests = [
            json.loads(entry["message"])["message"] for entry in browser.get_log("performance")
        ]
        urls = {
            m["params"]["request"]["url"]
            for m in requests
            if m["method"] == "Network.requestWillBeSent"
        }
        assert {url.split(":", 1)[0] for url in urls} <= {"file", "data"}, urls
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
        out = ROOT / "build" / "report-screenshot"
        out.mkdir(parents=True, exist_ok=True)
        height = browser.execute_script("return document.body.scrollHeight")
        browser.set_window_size(1400, min(int(height), 12000))
        assert browser.save_screenshot(str(out / "demo_report.png"))
    finally:
        browser.quit()
