"""Production settings: cookies only over HTTPS and out of reach of scripts, the policy and login limits active."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

READ = """
import json
from django.conf import settings
import django
django.setup()
print(json.dumps({name: getattr(settings, name) for name in (
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "MIDDLEWARE", "AUTHENTICATION_BACKENDS",
    "AXES_FAILURE_LIMIT",
)} | {"CSP": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]}))
"""


def production_settings() -> dict:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "x9!vQ2#mL7@pR4$zK8^wN3&bT6*yH1(cJ5)fD0_gS2+eA7-uM4=iO9",
        "VAR_DIR": "/tmp/kvm-production-settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", READ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def test_cookies_travel_only_over_https_and_scripts_cannot_read_the_session():
    values = production_settings()
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == values["CSRF_COOKIE_SAMESITE"] == "Lax"


def test_the_policy_and_login_limits_are_on_in_production():
    values = production_settings()
    assert "cms.middleware.SiteCSPMiddleware" in values["MIDDLEWARE"]
    assert values["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
    assert values["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["CSP"]["script-src"] == ["'self'"]
