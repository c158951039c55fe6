"""Settings come from the environment: database, broker, secret key, production checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_orm_broker_by_default_and_redis_when_redis_url_is_set():
    code = "import cms.settings.dev as s; print(sorted(k for k in ('orm','redis') if k in s.Q_CLUSTER), s.Q_CLUSTER['retry'] > s.Q_CLUSTER['timeout'])"
    assert _python(code).stdout.strip() == "['orm'] True"
    assert _python(code, REDIS_URL="redis://127.0.0.1:6379/0").stdout.strip() == "['redis'] True"


def test_database_url_selects_the_database():
    code = "import cms.settings.dev as s; print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])"
    assert "sqlite3" in _python(code).stdout
    out = _python(code, DATABASE_URL="postgres://postgres@127.0.0.1:5432/kvm").stdout
    assert out.strip() == "django.db.backends.postgresql kvm"


def test_production_refuses_to_start_without_a_secret_key():
    result = _python("import cms.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "x9!vQ2#mL7@pR4$zK8^wN3&bT6*yH1(cJ5)fD0_gS2+eA7-uM4=iO9",
            "ALLOWED_HOSTS": "krachtvanmokum.nl",
            "VAR_DIR": "/tmp/kvm-deploy-check",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_base_url_follows_port_unless_it_is_set():
    code = "import cms.settings.dev as s; print(s.BASE_URL)"
    clean = {k: "" for k in ("BASE_URL",)}
    assert _python(code, PORT="19201", **clean).stdout.strip() == "http://127.0.0.1:19201"
    assert _python(code, PORT="", **clean).stdout.strip() == "http://127.0.0.1:8000"
    assert (
        _python(code, PORT="19201", BASE_URL="https://krachtvanmokum.nl/").stdout.strip()
        == "https://krachtvanmokum.nl"
    )


def test_production_refuses_to_start_with_provider_webhooks_but_no_webhook_secret():
    env = {
        "SECRET_KEY": "x9!vQ2#mL7@pR4$zK8^wN3&bT6*yH1(cJ5)fD0_gS2+eA7-uM4=iO9",
        "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
        "VAR_DIR": "/tmp/kvm-deploy-check",
    }
    result = _python("import cms.settings.production", **env)
    assert result.returncode != 0
    assert "ANYMAIL_WEBHOOK_SECRET must be set" in result.stderr
    assert _python("import cms.settings.production", **env, ANYMAIL_WEBHOOK_SECRET="a:b").returncode == 0
