"""Load: concurrent readers on the document page under gunicorn and PostgreSQL, next to a minimal Django view.

One run, three measurements against the same gunicorn set-up (production settings, Redis as the cache):
  1. /healthz — a Django view that does nothing: the ceiling of this stack on this machine;
  2. /        — the whole demo document, page cache off;
  3. /        — the same with the page cache on (PAGE_CACHE_SECONDS).
The figure that counts is the document's share of the minimal view's throughput. Only loopback addresses are
loaded; every load is bounded in time (--seconds) and in count. Exits non-zero if any request failed.

    python bench/load_document.py [--seconds 60] [--concurrency 50] [--workers 3]
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _http import LoadResult, load

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn worker processes (the README's default)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kvm_bench"),
        help="a PostgreSQL database this script may drop and re-create",
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--skip-setup", action="store_true", help="reuse the bench database and static files")
    return parser.parse_args()


def recreate_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing odd database name {name!r}")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def environment(args, *, page_cache_seconds: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PAGE_CACHE"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "bench-only-secret-key-0f6c1e8b2a4d4f7e9c3b5a1d8e2f4c6a-not-for-production",
            "DATABASE_URL": args.database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "REDIS_URL": args.redis_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "VAR_DIR": str(BENCH_VAR),
            "STATIC_ROOT": str(BENCH_VAR / "static"),
            "LOG_LEVEL": "WARNING",
            "PAGE_CACHE_SECONDS": str(page_cache_seconds),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=900)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn serving the site on a free loopback port, started and stopped around one block of measurements."""

    def __init__(self, env: dict[str, str], workers: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "cms.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)

    def __enter__(self) -> "Gunicorn":
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn exited during start-up")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def warm_up(url: str) -> str:
    for _ in range(20):
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read().decode()
    return body


def measure(label: str, url: str, args) -> LoadResult:
    print(f"  {label}: {args.concurrency} readers for {args.seconds:.0f} s on {url} …", flush=True)
    result = load(url, concurrency=args.concurrency, seconds=args.seconds)
    print(
        f"    {result.per_second:8.1f} req/s   p50 {result.percentile(50):7.1f} ms   "
        f"p95 {result.percentile(95):7.1f} ms   errors {result.error_count}",
        flush=True,
    )
    return result


def main() -> int:
    args = parse_args()
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    setup_env = environment(args, page_cache_seconds=0)
    if not args.skip_setup:
        print("Setting up: database, demo document, static files …", flush=True)
        recreate_database(args.database_url)
        manage(setup_env, "migrate", "--noinput", "-v0")
        manage(setup_env, "load_demo", "-v0")
        manage(setup_env, "collectstatic", "--noinput", "-v0")

    results: dict[str, LoadResult] = {}
    with Gunicorn(setup_env, args.workers) as server:
        assert "Calls to Action" in warm_up(server.url + "/")
        results["healthz"] = measure("minimal view /healthz", server.url + "/healthz", args)
        results["document"] = measure("document, uncached", server.url + "/", args)
    with Gunicorn(environment(args, page_cache_seconds=300), args.workers) as server:
        warm_up(server.url + "/")
        results["document_cached"] = measure("document, page cache on", server.url + "/", args)

    baseline = results["healthz"].per_second or 1.0
    report = {
        "machine": f"{os.cpu_count()} CPUs; load generator on the same machine",
        "gunicorn_workers": args.workers,
        "results": {name: result.as_dict() for name, result in results.items()},
        "document_vs_healthz": round(results["document"].per_second / baseline, 3),
        "cached_document_vs_healthz": round(results["document_cached"].per_second / baseline, 3),
    }
    (BENCH_VAR / "load_document.json").write_text(json.dumps(report, indent=2))
    print()
    print("| what | req/s | p50 ms | p95 ms | errors | share of /healthz |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, result in results.items():
        share = result.per_second / baseline
        print(
            f"| {name} | {result.per_second:.0f} | {result.percentile(50):.1f} | {result.percentile(95):.1f} | "
            f"{result.error_count} | {share:.2f} |"
        )
    errors = sum(result.error_count for result in results.values())
    if errors:
        print(f"FAILED: {errors} requests failed")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
