"""`make prod-check`: the production topology, started as the README's deployment section says, under load.

gunicorn with the Dockerfile's command and `cms.settings.production`, PostgreSQL, Redis as django-q2's broker and
the cache, two `manage.py qcluster` processes, and anymail's Postmark backend pointed at a loopback stand-in for
Postmark (`newsletter.testing.ProviderStandIn`). Then, as an operator and an editor would act:

1. `check --deploy` is clean; `migrate`, `collectstatic`, `load_demo`; the site answers through gunicorn.
2. Contacts are imported and a version is published with a notification. When the provider has about a third of
   the recipients and one cluster has a hand-over in flight, that cluster's whole process group gets SIGKILL.
   The other cluster finishes the mailing: nobody twice, everyone sent except the killed hand-over(s), which
   the ledger marks uncertain and nobody resends.
3. A new cluster takes the killed one's place and a second version is published. Mid-send the Redis server is
   stopped and started again (no persistence: whatever the broker held is gone; django-q2's Redis broker is
   at-most-once). The mailing still finishes with everyone handed over once, and the broker works again.
4. Every cluster is stopped (a deploy), a third version is published, and Redis restarts before the clusters are
   back: the task that would start the mailing is lost. The mailing goes out all the same, to everyone once: the
   ledger in PostgreSQL, not the broker, is the source of truth.

Everything it starts is its own and is stopped at the end: a fresh PostgreSQL database `kvm_prodcheck`, a
`redis-server` on port 6391, gunicorn on 127.0.0.1:19311, the stand-in on an ephemeral port. Exits non-zero with
the reason and the tail of every process's log when anything is not as it should be.
"""

import contextlib
import csv
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsletter.testing import ProviderStandIn  # noqa: E402 (no Django needed: it must start before settings)

PYTHON = sys.executable
BIN = Path(PYTHON).parent
DATABASE = "kvm_prodcheck"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS_PORT = 6391
WEB = ("127.0.0.1", 19311)
DOCUMENT = "calls-to-action"  # load_demo's document
AUDIENCE = "allies"
RECIPIENTS = 3000
MAX_PER_SECOND = 200  # NEWSLETTER_MAX_PER_SECOND: 2 senders × 100 a second, so batches of 100
BATCH_SIZE = 100
PROVIDER_LATENCY = 0.3  # seconds the stand-in takes per call: a hand-over is in flight long enough to kill it
KILL_AT = 0.3  # of the recipients received by the provider
REDIS_OUTAGE = 5  # seconds without Redis: the clusters' pushers lose the broker, wait 10 s and are restarted
MAILING_TIMEOUT = 150  # seconds; the watchdog needs one lease (20 s) plus a scheduler cycle (30 s)
STARTED = time.monotonic()


class CheckFailed(Exception):
    """Something the production topology should do, it did not."""


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, every: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise CheckFailed(f"Timed out after {timeout:.0f} s waiting for {what}.")


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def dockerfile_command() -> list[str]:
    """The Dockerfile's CMD (the web process), as the list it is written as."""
    text = (ROOT / "Dockerfile").read_text()
    found = re.search(r"^CMD (\[.*\])\s*$", text, re.MULTILINE)
    expect(found is not None, "The Dockerfile has no CMD [...] line.")
    return json.loads(found.group(1))


def readme_deployment() -> str:
    text = (ROOT / "README.md").read_text()
    found = re.search(r"^## Deployment\n(.*?)^## ", text, re.MULTILINE | re.DOTALL)
    expect(found is not None, "The README has no '## Deployment' section.")
    return found.group(1)


def web_command(command: list[str]) -> list[str]:
    """The Dockerfile's command with this check's bind address, run from the virtualenv."""
    expect(
        command[:2] == ["gunicorn", "cms.wsgi"], f"The Dockerfile's CMD is not gunicorn cms.wsgi: {command}"
    )
    args = list(command)
    args[args.index("--bind") + 1] = f"{WEB[0]}:{WEB[1]}"
    return [str(BIN / "gunicorn"), *args[1:]]


# -- processes --


class Process:
    """One process this check started, its log file, and how to stop it."""

    def __init__(self, name: str, argv: list[str], *, env: dict[str, str], log: Path):
        self.name, self.log = name, log
        with log.open("ab") as out:
            self.popen = subprocess.Popen(  # noqa: S603 (this check's own commands)
                argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        say(f"started {name} (pid {self.popen.pid}): {shlex.join(argv[:6])}{' …' if len(argv) > 6 else ''}")

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def group(self) -> set[int]:
        """Every process of its process group (a qcluster: its sentinel, workers, pusher and monitor)."""
        pids = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == self.popen.pid:
                    pids.add(int(stat.parent.name))
        return pids

    def kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=15)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM to the main process only (a TERM to the whole group can leave django-q2 hanging), then the
        group's SIGKILL for whatever is left."""
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)

    def tail(self, chars: int = 3000) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text[-chars:]


def local_ports_of(pids: set[int], remote_port: int) -> set[int]:
    """The local ports of the TCP connections these processes hold to 127.0.0.1:`remote_port`."""
    inodes = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                local, remote, inode = fields[1], fields[2], fields[9]
                if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == remote_port:
                    ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


def said(output: str) -> str:
    """The command's own words, without the log lines it wrote along the way."""
    lines = [line for line in output.splitlines() if line.strip() and not re.match(r"\d{4}-\d\d-\d\d ", line)]
    return lines[-1] if lines else ""


def run(argv: list[str], *, env: dict[str, str], what: str) -> str:
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise CheckFailed(f"{what} failed (exit {done.returncode}):\n{output[-3000:]}")
    return output


def get(path: str, *, https: bool = True) -> tuple[int, str, dict[str, str]]:
    """A request to gunicorn as the reverse proxy would forward it (`X-Forwarded-Proto: https`)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(f"http://{WEB[0]}:{WEB[1]}{path}")
    if https:
        request.add_header("X-Forwarded-Proto", "https")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode(errors="replace"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)


# -- the database --


def database_recreate() -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def database_drop() -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


# -- the check --


class ProductionCheck:
    """Starts the topology, drives it, and holds what it started so that `close()` stops all of it."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.processes: list[Process] = []
        self.redis: Process | None = None
        self.clusters: list[Process] = []
        self.provider = ProviderStandIn(latency=PROVIDER_LATENCY)
        self.figures: dict[str, object] = {}

    def environment(self) -> dict[str, str]:
        return {
            **{
                key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "ANYMAIL_"))
            },
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "BASE_URL": f"https://{WEB[0]}:{WEB[1]}",
            "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
            "ANYMAIL_POSTMARK_SERVER_TOKEN": "prod-check",
            "ANYMAIL_POSTMARK_API_URL": self.provider.url,
            "ANYMAIL_POSTMARK_USE_BULK_API": "1",
            "ANYMAIL_WEBHOOK_SECRET": f"postmark:{secrets.token_urlsafe(16)}",
            "NEWSLETTER_MAX_PER_SECOND": str(MAX_PER_SECOND),
            "STATIC_ROOT": str(self.workdir / "static"),
            "VAR_DIR": str(self.workdir / "var"),
            "PYTHONUNBUFFERED": "1",
        }

    def start(self, name: str, argv: list[str]) -> Process:
        process = Process(name, argv, env=self.env, log=self.workdir / f"{name}.log")
        self.processes.append(process)
        return process

    def redis_start(self) -> None:
        self.redis = self.start(
            "redis",
            [
                "/usr/bin/redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
        )
        wait_for(lambda: not port_free(REDIS_PORT), timeout=10, what="redis-server to listen", every=0.05)

    def redis_stop(self) -> None:
        self.redis.popen.send_signal(signal.SIGTERM)
        self.redis.popen.wait(timeout=15)
        self.processes.remove(self.redis)

    def cluster_start(self, number: int) -> Process:
        cluster = self.start(f"qcluster-{number}", [PYTHON, "manage.py", "qcluster"])
        wait_for(
            lambda: "running." in cluster.tail(20_000) or not cluster.alive,
            timeout=60,
            what=f"qcluster-{number} to run",
            every=0.2,
        )
        expect(cluster.alive, f"qcluster-{number} stopped at start.")
        self.clusters.append(cluster)
        return cluster

    def close(self) -> None:
        # Redis last: a qcluster without its broker waits 10 s for its pusher before it stops.
        for process in sorted(reversed(self.processes), key=lambda process: process is self.redis):
            began = time.monotonic()
            process.stop()
            say(f"stopped {process.name} ({time.monotonic() - began:.1f} s)")
        self.provider.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with contextlib.suppress(Exception):
            database_drop()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ({p.log.name}), last lines ---\n{p.tail()}" for p in self.processes)

    # -- steps --

    def prepare(self) -> None:
        for port in (REDIS_PORT, WEB[1]):
            expect(port_free(port), f"Port {port} is in use; another prod-check running? Stop it first.")
        self.provider.start()
        say(f"provider stand-in (Postmark API) at {self.provider.url}, {PROVIDER_LATENCY} s a call")
        self.env = self.environment()
        os.environ.update(self.env)  # this process reads the same database through the ORM
        database_recreate()
        say(f"created database {DATABASE}")
        self.redis_start()

        manage = [PYTHON, "manage.py"]
        output = run(
            [*manage, "check", "--deploy", "--fail-level", "WARNING"], env=self.env, what="check --deploy"
        )
        say(f"check --deploy --fail-level WARNING: {output.splitlines()[-1]}")
        run([*manage, "migrate", "--noinput"], env=self.env, what="migrate")
        say("migrate --noinput: done")
        say(
            f"collectstatic --noinput: {said(run([*manage, 'collectstatic', '--noinput'], env=self.env, what='collectstatic'))}"
        )
        say(f"load_demo: {said(run([*manage, 'load_demo'], env=self.env, what='load_demo'))}")

        import django

        django.setup()

    def serve(self) -> None:
        command = dockerfile_command()
        deployment = readme_deployment()
        expect(
            shlex.join(command) in deployment,
            f"The README's deployment section does not give the Dockerfile's command ({shlex.join(command)}).",
        )
        expect(
            "python manage.py qcluster" in deployment and "REDIS_URL" in deployment,
            "The README's deployment section no longer names qcluster workers on REDIS_URL.",
        )
        gunicorn = self.start("gunicorn", web_command(command))

        def answers() -> bool:
            expect(gunicorn.alive, "gunicorn stopped at start.")
            with contextlib.suppress(OSError):
                return get("/healthz")[0] == 200
            return False

        wait_for(answers, timeout=30, what="gunicorn to answer /healthz", every=0.2)
        status, _body, headers = get("/", https=False)
        expect(
            status == 301 and headers.get("Location", "").startswith("https://"),
            f"Plain http should redirect to https, got {status} {headers.get('Location')}.",
        )
        status, body, headers = get("/")
        expect(
            status == 200 and "calls to action" in body.lower(), f"GET / through gunicorn answered {status}."
        )
        expect("Strict-Transport-Security" in headers, "No HSTS header on the home page.")
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', body)
        expect(stylesheet is not None, "The home page links no stylesheet under /static/.")
        status, _css, _headers = get(stylesheet.group(1))
        expect(status == 200, f"WhiteNoise answered {status} for {stylesheet.group(1)}.")
        say(f"gunicorn serves / (301 → https on plain http, 200 with HSTS), and {stylesheet.group(1)}")

    def seed(self) -> None:
        contacts = self.workdir / "bondgenoten.csv"
        with contacts.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["naam", "email", "organisatie", "rol"])
            for n in range(RECIPIENTS):
                writer.writerow(
                    [f"Bondgenoot {n}", f"bondgenoot{n:05d}@example.org", f"Organisatie {n % 40}", ""]
                )
        output = run(
            [PYTHON, "manage.py", "import_contacts", str(contacts), "--audience", AUDIENCE],
            env=self.env,
            what="import_contacts",
        )
        say(f"import_contacts ({RECIPIENTS} rows): {said(output)}")

    def publish(self, note: str, *, before_waiting: Callable[[], None] | None = None):
        """`publish_version --notify`, then the version's mailing (`before_waiting` runs between the two)."""
        from newsletter.models import Mailing

        before = set(Mailing.objects.values_list("pk", flat=True))
        output = run(
            [
                PYTHON,
                "manage.py",
                "publish_version",
                "--document",
                DOCUMENT,
                "--note",
                note,
                "--notify",
                AUDIENCE,
            ],
            env=self.env,
            what="publish_version",
        )
        say(
            f"publish_version --notify {AUDIENCE}: {said(output.split('gepubliceerd.')[0] + 'gepubliceerd.')}"
        )
        if before_waiting is not None:
            before_waiting()
        wait_for(
            lambda: Mailing.objects.exclude(pk__in=before).exists(),
            timeout=MAILING_TIMEOUT,
            what="the mailing to be created",
            every=0.1,
        )
        return Mailing.objects.exclude(pk__in=before).get()

    def wait_until_done(self, mailing, *, started: float) -> float:
        from newsletter.models import MailingStatus

        last = 0.0

        def done() -> bool:
            nonlocal last
            mailing.refresh_from_db()
            if time.monotonic() - last >= 3:
                last = time.monotonic()
                say(f"  provider has {self.provider.total}/{RECIPIENTS}, mailing {mailing.status}")
            return mailing.status == MailingStatus.DONE

        wait_for(done, timeout=MAILING_TIMEOUT, what=f"mailing {mailing.pk} to finish", every=0.1)
        return time.monotonic() - started

    def wait_until_under_way(self, what: str) -> None:
        last = 0.0

        def under_way() -> bool:
            nonlocal last
            if time.monotonic() - last >= 2:
                last = time.monotonic()
                say(
                    f"  provider has {self.provider.total}/{RECIPIENTS}, {self.provider.in_flight} call(s) in flight"
                )
            return self.provider.total >= RECIPIENTS * KILL_AT and self.provider.in_flight > 0

        wait_for(under_way, timeout=90, what=what)

    def sending_cluster(self) -> tuple[Process, int]:
        """The cluster with the most hand-overs in flight at the provider, and how many senders it runs."""
        port = self.provider.server.server_address[1]
        # Only calls the stand-in will hold for a while yet: one about to be answered could still be recorded sent.
        soon = time.monotonic() - PROVIDER_LATENCY / 2
        with self.provider.lock:
            in_flight = {client for client, since in self.provider.in_flight_since.items() if since > soon}
        best, best_in_flight, best_senders = None, 0, 0
        for cluster in self.clusters:
            ports = local_ports_of(cluster.group(), port)
            if len(ports & in_flight) > best_in_flight:
                best, best_in_flight, best_senders = cluster, len(ports & in_flight), len(ports)
        return best, best_senders

    def reset_provider(self) -> None:
        wait_for(lambda: self.provider.in_flight == 0, timeout=10, what="the provider to be idle")
        with self.provider.lock:
            self.provider.received.clear()
            self.provider.calls.clear()

    def ledger(self, mailing) -> tuple[dict[str, str], set[str], set[str]]:
        from newsletter.models import DeliveryStatus

        rows = dict(mailing.deliveries.values_list("email", "status"))
        sent = {email for email, status in rows.items() if status == DeliveryStatus.SENT}
        uncertain = {email for email, status in rows.items() if status == DeliveryStatus.UNCERTAIN}
        return rows, sent, uncertain

    def kill_one_cluster(self) -> None:
        from newsletter.models import DeliveryStatus

        say(f"--- 1. publish, then SIGKILL one qcluster mid-send ({RECIPIENTS} recipients)")
        started = time.monotonic()
        mailing = self.publish("Productiecontrole: een worker valt weg.")
        victim: list = []

        def under_way_in_one_cluster() -> bool:
            if self.provider.total < RECIPIENTS * KILL_AT or not self.provider.in_flight:
                return False
            cluster, senders = self.sending_cluster()
            victim[:] = [cluster, senders] if cluster else []
            return bool(victim)

        self.wait_until_under_way("the send to be under way")
        wait_for(under_way_in_one_cluster, timeout=30, what="a hand-over in flight from a qcluster")
        cluster, senders = victim
        at_kill = self.provider.total
        cluster.kill_group()
        self.clusters.remove(cluster)
        say(
            f"SIGKILL to {cluster.name}'s process group with {at_kill}/{RECIPIENTS} at the provider; "
            f"it had {senders} sender(s) connected"
        )
        expect(at_kill < RECIPIENTS, "The send finished before the kill; the check proves nothing.")
        duration = self.wait_until_done(mailing, started=started)

        rows, sent, uncertain = self.ledger(mailing)
        received = set(self.provider.received)
        expect(
            len(rows) == RECIPIENTS == mailing.recipient_count, f"{len(rows)} ledger rows, not {RECIPIENTS}."
        )
        expect(sent | uncertain == set(rows), "Rows neither sent nor uncertain (pending or failed) remain.")
        expect(self.provider.duplicates() == {}, f"Sent twice: {list(self.provider.duplicates())[:5]}.")
        expect(received <= set(rows), "The provider received addresses that are not in the ledger.")
        expect(sent <= received, "The ledger calls addresses sent that never reached the provider.")
        expect(
            set(rows) - received <= uncertain, "Addresses missing at the provider are not marked uncertain."
        )
        expect(self.provider.total > at_kill, "The surviving cluster sent nothing after the kill.")
        batches = set(
            mailing.deliveries.filter(status=DeliveryStatus.UNCERTAIN)
            .values_list("batch", flat=True)
            .distinct()
        )
        expect(
            0 < len(uncertain) <= BATCH_SIZE * senders and 1 <= len(batches) <= senders,
            f"{len(uncertain)} uncertain in {len(batches)} batch(es); expected the killed cluster's hand-over(s) "
            f"in flight: 1 to {senders} batch(es) of at most {BATCH_SIZE}.",
        )
        notes = " ".join(mailing.events.values_list("message", flat=True))
        expect(
            f"{len(uncertain)} ontvanger(s) op “onzeker” gezet" in notes, "The mailing's page has no note."
        )
        say(
            f"mailing {mailing.pk} done in {duration:.1f} s: {len(sent)} sent, {len(uncertain)} uncertain "
            f"({len(batches)} batch(es); {len(uncertain & received)} of them had reached the provider), "
            "nobody twice"
        )
        self.figures["kill"] = {
            "at": at_kill,
            "duration": duration,
            "uncertain": len(uncertain),
            "uncertain_received": len(uncertain & received),
        }

    def restart_redis(self) -> None:
        say("--- 2. publish again, then restart Redis mid-send (two clusters again)")
        self.cluster_start(3)  # in place of the killed one, as the orchestrator would
        self.reset_provider()
        started = time.monotonic()
        mailing = self.publish("Productiecontrole: Redis herstart.")
        self.wait_until_under_way("the second send to be under way")
        at_stop = self.provider.total
        self.redis_stop()
        say(f"redis-server stopped with {at_stop}/{RECIPIENTS} at the provider")
        time.sleep(REDIS_OUTAGE)
        self.redis_start()
        say(f"redis-server started again (empty) with {self.provider.total}/{RECIPIENTS} at the provider")
        duration = self.wait_until_done(mailing, started=started)

        rows, sent, uncertain = self.ledger(mailing)
        expect(
            len(rows) == RECIPIENTS == mailing.recipient_count, f"{len(rows)} ledger rows, not {RECIPIENTS}."
        )
        expect(self.provider.duplicates() == {}, f"Sent twice: {list(self.provider.duplicates())[:5]}.")
        expect(sent == set(rows), f"{len(set(rows) - sent)} not sent ({len(uncertain)} uncertain).")
        expect(
            set(self.provider.received) == set(rows), "The provider did not get exactly the ledger's rows."
        )
        for cluster in self.clusters:
            expect(cluster.alive, f"{cluster.name} died during the Redis restart.")
            expect(
                "Failed to pull task from broker" in cluster.tail(10**6), f"{cluster.name} never lost Redis."
            )
        say(f"mailing {mailing.pk} done in {duration:.1f} s: {len(sent)} sent once each, none uncertain")
        self.figures["redis"] = {"at": at_stop, "duration": duration}

    def lose_the_start_task(self) -> None:
        """A publish while every worker is down (a deploy), and Redis restarts before they are back: the task
        that starts the mailing is lost with the broker's memory. The mailing goes out all the same."""
        from django_q.brokers import get_broker

        say("--- 3. publish while the workers are down; Redis restarts before they are back")
        while self.clusters:
            cluster = self.clusters.pop()
            cluster.stop()  # stays in `processes`: its log is shown if the check fails
            say(f"stopped {cluster.name} (SIGTERM, as a deploy does)")
        self.reset_provider()
        started = time.monotonic()
        waiting: list = []

        def publish_and_lose() -> None:
            waiting.append(get_broker().queue_size())
            self.redis_stop()
            self.redis_start()
            say(f"redis-server restarted with {waiting[0]} task(s) waiting in it, now lost")
            self.cluster_start(4)
            self.cluster_start(5)

        mailing = self.publish("Productiecontrole: taak kwijt.", before_waiting=publish_and_lose)
        expect(waiting[0] >= 1, "The publish left no task waiting in Redis; nothing was lost.")
        duration = self.wait_until_done(mailing, started=started)
        rows, sent, _uncertain = self.ledger(mailing)
        expect(
            len(rows) == RECIPIENTS == mailing.recipient_count, f"{len(rows)} ledger rows, not {RECIPIENTS}."
        )
        expect(self.provider.duplicates() == {}, f"Sent twice: {list(self.provider.duplicates())[:5]}.")
        expect(sent == set(rows) == set(self.provider.received), "Not everyone was sent the version once.")
        say(f"mailing {mailing.pk} done {duration:.1f} s after the publish: {len(sent)} sent once each")
        self.figures["lost"] = {"duration": duration}

    def broker_works_again(self) -> None:
        """A task enqueued after the restart runs: the clusters' pushers reconnected to the new Redis."""
        from django_q.tasks import async_task, result

        task = async_task("math.floor", 2.5)
        wait_for(
            lambda: result(task) == 2, timeout=30, what="a task enqueued after the restart to run", every=0.2
        )
        say("a task enqueued after the Redis restart ran: the clusters took up the new broker")


def interrupted(signum, frame) -> None:
    raise CheckFailed(f"Stopped by signal {signum}.")


def main() -> int:
    signal.signal(signal.SIGTERM, interrupted)
    workdir = Path(tempfile.mkdtemp(prefix="kvm-prodcheck-"))
    check = ProductionCheck(workdir)
    failed = None
    try:
        check.prepare()
        check.serve()
        check.cluster_start(1)
        check.cluster_start(2)
        check.seed()
        check.kill_one_cluster()
        check.restart_redis()
        check.broker_works_again()
        check.lose_the_start_task()
    except CheckFailed as error:
        failed = str(error)
    except (
        BaseException
    ) as error:  # a crash of the check itself, or Ctrl-C: the logs, and clean up all the same
        failed = f"{type(error).__name__}: {error}"
        import traceback

        traceback.print_exc()
    if failed:
        print(f"\nprod-check FAILED: {failed}\n\n{check.logs()}", file=sys.stderr, flush=True)
    try:
        check.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        return 1
    kill, redis, lost = check.figures["kill"], check.figures["redis"], check.figures["lost"]
    say(
        f"prod-check passed: 3 mailings of {RECIPIENTS}, nobody twice; SIGKILL at {kill['at']}, done after "
        f"{kill['duration']:.0f} s with {kill['uncertain']} uncertain; Redis restart at {redis['at']}, done after "
        f"{redis['duration']:.0f} s; start task lost, done after {lost['duration']:.0f} s; "
        f"total {time.monotonic() - STARTED:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
