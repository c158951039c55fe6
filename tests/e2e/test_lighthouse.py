"""Lighthouse 12 (npm, pinned) with Debian's Chromium, phone emulation: >= 95 in every category on the judged pages."""

import json
import os
import subprocess

import pytest

from .site_pages import judged_pages
from .support import CHROMIUM, E2E, ROOT, missing

pytestmark = E2E

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
MINIMUM = 0.95


# A trace Lighthouse failed to record (NO_NAVSTART and the like, seen on a busy 2-core machine) ends with this advice;
# such a run measured nothing, so it is run again. A low score is never retried.
RUN_AGAIN = "Please run Lighthouse again"


def lighthouse(url: str, attempts: int = 3) -> dict:
    for _attempt in range(attempts):
        result = _lighthouse_run(url)
        if result.returncode == 0 or RUN_AGAIN not in result.stderr:
            break
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def _lighthouse_run(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            f"--only-categories={','.join(CATEGORIES)}",
            "--form-factor=mobile",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
        check=False,
    )


def failing_audits(report: dict, category: str) -> list[str]:
    refs = report["categories"][category]["auditRefs"]
    audits = report["audits"]
    return [
        f"{ref['id']}: {audits[ref['id']].get('displayValue', '')} {audits[ref['id']]['title']}"
        for ref in refs
        if ref.get("weight") and audits[ref["id"]].get("score") is not None and audits[ref["id"]]["score"] < 1
    ]


def test_lighthouse_scores_at_least_95_on_a_phone(live_site, request):
    if not CHROMIUM.exists():
        missing(f"No Chromium at {CHROMIUM}")
    if not LIGHTHOUSE.exists():
        missing("Lighthouse is not installed (npm ci installs it from package-lock.json)")
    scores = {}
    problems = []
    for name, url in judged_pages(live_site).items():
        report = lighthouse(url)
        assert report["lighthouseVersion"] == "12.2.3"
        assert report["configSettings"]["formFactor"] == "mobile"
        scores[name] = {category: report["categories"][category]["score"] for category in CATEGORIES}
        for category in CATEGORIES:
            if scores[name][category] is None or scores[name][category] < MINIMUM:
                problems.append(
                    f"{name} {category} {scores[name][category]}: {failing_audits(report, category)}"
                )
    print(json.dumps(scores, indent=1))
    assert problems == [], "\n".join(problems)


@pytest.fixture
def live_site(live_site, settings):
    # Lighthouse fetches robots.txt and the page from the live server's host name.
    settings.ALLOWED_HOSTS = ["*"]
    return live_site
