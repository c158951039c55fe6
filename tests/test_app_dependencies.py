"""The apps depend one way: pages ← supporters ← newsletter, and the outreach plugs into the newsletter, never the
other way round. Each app talks to the ones after it only through signals and the extension hooks it declares
(`pages/extensions.py`, `newsletter/extensions.py`, `newsletter/personalisers.py`).

Read from the source itself: every `import`, every `from … import` (relative ones resolved) and every string that
names a module (a task path such as "newsletter.outreach.tasks.x", an `include("…")`).
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# app → the packages it must never name
FORBIDDEN = {
    "pages": ("supporters", "newsletter"),
    "supporters": ("newsletter",),
    "newsletter": ("newsletter.outreach",),
}
MODULE_STRING = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(path: Path) -> list[str]:
    parts = _module_of(path).split(".")
    return parts if path.name == "__init__.py" else parts[:-1]


def names_used(path: Path) -> set[str]:
    """Every module the file imports or names in a string."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = _package_of(path)
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and MODULE_STRING.match(node.value)
        ):
            found.add(node.value)
    return found


def _app_files(app: str) -> list[Path]:
    files = sorted((ROOT / app).rglob("*.py"))
    if app == "newsletter":
        # The outreach is its own app inside the newsletter's package; its tables (and the schedules of its tasks)
        # were created by the newsletter's migrations and stay in them (see newsletter/outreach/models.py).
        files = [f for f in files if not {"outreach", "migrations"} & set(f.relative_to(ROOT).parts)]
    return files


def violations(app: str) -> list[str]:
    found = []
    for path in _app_files(app):
        for name in sorted(names_used(path)):
            for forbidden in FORBIDDEN[app]:
                if name == forbidden or name.startswith(forbidden + "."):
                    found.append(f"{path.relative_to(ROOT)} names {name}")
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_names_none_of_the_apps_that_build_on_it(app):
    assert violations(app) == []


def test_the_check_sees_an_import_of_every_kind(tmp_path, monkeypatch):
    """The reader finds absolute, relative and string references (so the test above can fail)."""
    package = tmp_path / "newsletter"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "wiring.py").write_text(
        "import newsletter.outreach.mail\n"
        "from .outreach import receivers\n"
        "from . import outreach\n"
        "TASK = 'newsletter.outreach.tasks.reminders_send'\n"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert names_used(package / "wiring.py") >= {
        "newsletter.outreach.mail",
        "newsletter.outreach",
        "newsletter.outreach.receivers",
        "newsletter.outreach.tasks.reminders_send",
    }
    assert len(violations("newsletter")) == 4
