"""Helpers the browser tests share: where things are, axe-core, screenshots and the outbox. Fixtures: conftest.py."""

import email
import email.policy
import os
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Every browser test needs the live server's real commits; Wagtail's tree is restored before each test.
E2E = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def missing(what: str) -> None:
    message = f"{what} (CI installs it: see .ci/run; locally `make browser`)"
    if os.environ.get("KVM_REQUIRE_BROWSER") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG as test-artifacts/<name>.png and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@dataclass
class LiveSite:
    """The live server's address, serving the demo document at `/`."""

    base_url: str

    def url(self, path: str = "/") -> str:
        return self.base_url.rstrip("/") + path


def run_axe(page) -> list[dict]:
    """axe-core's violations of the WCAG 2.2 A/AA rules on the page as it is now."""
    if not AXE_SCRIPT.exists():
        missing(f"axe-core is not installed at {AXE_SCRIPT.relative_to(ROOT)} (run `make deps`)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not block it.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await window.axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return result["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def check_accessibility(page) -> None:
    violations = run_axe(page)
    assert not violations, f"axe-core found WCAG 2.2 A/AA violations on {page.url}:\n" + describe_violations(
        violations
    )


class Outbox:
    """The .eml files the outbox backend wrote, newest last."""

    def __init__(self, folder: Path):
        self.folder = folder

    def messages(self) -> list[EmailMessage]:
        paths = sorted(self.folder.glob("*.eml"), key=lambda path: (path.stat().st_mtime_ns, path.name))
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in paths]

    def newest(self, *, to: str | None = None) -> EmailMessage:
        messages = [m for m in self.messages() if to is None or to in str(m.get("To", ""))]
        assert messages, f"no email{' to ' + to if to else ''} in {self.folder}"
        return messages[-1]

    @staticmethod
    def text(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @staticmethod
    def html(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""

    @classmethod
    def links(cls, message: EmailMessage) -> list[str]:
        return re.findall(r"https?://[^\s<>\"')]+", cls.text(message) or cls.html(message))


def show_email(page, message: EmailMessage) -> None:
    """Render an email's HTML part in the browser, as a mail client would, for axe-core and screenshots."""
    html = Outbox.html(message)
    assert html, "the email has no HTML part"
    page.set_content(html, wait_until="load")
