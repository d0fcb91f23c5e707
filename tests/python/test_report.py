"""The HTML report (issue 15 point 3): one self-contained file, parsed back with the standard
library's HTML parser; its pictures decoded with Pillow; its numbers against the detect JSON."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import pytest
from PIL import Image

matplotlib.use("Agg")

from truth_detections import SAMPLE_DIR, truth_to_detection  # noqa: E402

import ictaltrack  # noqa: E402

DEMO = SAMPLE_DIR / "migrating_referential.edf"


class Page(HTMLParser):
    """Every tag with its attributes, and the text of elements with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text_of: dict[str, str] = {}
        self._open_ids: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag not in ("img", "meta", "br", "link"):
            self._open_ids.append(attributes.get("id"))

    def handle_endtag(self, tag):
        if tag not in ("img", "meta", "br", "link") and self._open_ids:
            self._open_ids.pop()

    def handle_data(self, data):
        for element in self._open_ids:
            if element:
                self.text_of[element] = self.text_of.get(element, "") + data


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def check_self_contained(page: Page, text: str) -> int:
    """No reference that needs the network (or any other file); every image decodes. Returns
    the number of images."""
    images = 0
    for tag, attributes in page.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed"), tag
        for name in ("src", "href", "data", "poster", "srcset"):
            value = attributes.get(name)
            if value is None:
                continue
            assert value.startswith(("data:image/png;base64,", "#")), (tag, name, value[:60])
        if tag == "img":
            payload = attributes["src"].split(",", 1)[1]
            with Image.open(io.BytesIO(base64.b64decode(payload, validate=True))) as image:
                image.load()
                assert image.width > 100 and image.height > 100
            images += 1
    outside = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text).lower()
    for reference in ("url(", "@import", "http:", "https:", 'src="//', "<script"):
        assert reference not in outside, reference
    return images


@pytest.fixture(scope="module")
def truth_result():
    return ictaltrack.DetectionResult.from_dict(
        truth_to_detection(SAMPLE_DIR / "migrating_referential.json", file=str(DEMO))
    )


def test_to_html_is_self_contained_and_holds_every_seizure(truth_result, tmp_path):
    path = tmp_path / "report.html"
    shown = []
    truth_result.to_html(path, progress=lambda fraction, detail: shown.append(fraction))
    text = path.read_text(encoding="utf-8")
    page = parse(path)
    n = len(truth_result)
    assert n == 4
    # timeline + (onset map, EEG page, spectrogram) per seizure
    assert check_self_contained(page, text) == 1 + 3 * n
    assert int(page.text_of["n-seizures"]) == n
    assert page.text_of["verdict"] == ("yes" if truth_result.summary["migrating"] else "no")
    sections = [a["id"] for tag, a in page.tags if tag == "section"]
    assert sections == [f"seizure-{k + 1}" for k in range(n)]
    rows = page.text_of["seizure-table"]
    for onset in truth_result.seizures["onset_s"]:
        assert f"{onset:.1f}" in rows
    assert shown == [pytest.approx((k + 1) / n) for k in range(n)]


def test_a_process_pool_draws_the_same_report(truth_result):
    """Two routes, one report: the pictures drawn by a pool of worker processes (each opening
    the file once) are byte for byte those drawn here from an open Recording."""
    from ictaltrack.report import render_report

    n = len(truth_result)
    with ictaltrack.read_edf(DEMO) as recording:
        serial = render_report(truth_result, recording, workers=2)  # a Recording: drawn here
    shown = []
    pooled = render_report(
        truth_result, workers=2, progress=lambda fraction, detail: shown.append(fraction)
    )
    assert pooled == serial
    assert len(re.findall("data:image/png;base64,", pooled)) == 1 + 3 * n
    assert shown == [pytest.approx((k + 1) / n) for k in range(n)]
    with pytest.raises(ValueError, match="workers"):
        render_report(truth_result, workers=-1)


def test_report_command_matches_the_detect_json(tmp_path):
    report = tmp_path / "demo.html"
    detections = tmp_path / "demo.json"
    # Warnings as errors (issue 19): the demo's commands are clean, the report's worker
    # processes included (spawn passes -W on to them).
    command = [sys.executable, "-W", "error", "-m", "ictaltrack.cli"]
    run = subprocess.run(
        [*command, "detect", str(DEMO), "--json", str(detections)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    run = subprocess.run(
        [
            *command,
            "report",
            str(DEMO),
            "-o",
            str(report),
            "--detections",
            str(detections),
            "--progress",
            "--threads",
            "2",  # two drawing processes for the four seizures
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "report [" in run.stderr and "100%" in run.stderr  # the progress bar
    expected = json.loads(detections.read_text(encoding="utf-8"))
    page = parse(report)
    n = len(expected["seizures"])
    assert int(page.text_of["n-seizures"]) == n
    assert check_self_contained(page, report.read_text(encoding="utf-8")) == 1 + 3 * n
    assert page.text_of["verdict"] == ("yes" if expected["summary"]["migrating"] else "no")
