"""A small HTTP load generator for the benchmarks: asyncio, loopback only, bounded in time and in count."""

import asyncio
import ipaddress
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_REQUESTS = 2_000_000
REQUEST_TIMEOUT = 30.0


@dataclass
class LoadResult:
    """What one load run measured: counts, throughput and latency percentiles (milliseconds)."""

    path: str
    concurrency: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "errors": self.error_count,
            "error_kinds": self.errors,
            "requests_per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
        }


def ensure_loopback(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"benchmarks only load loopback addresses, not {host!r}")
    return host, parts.port or 80, parts.path or "/"


async def _one(host: str, port: int, request: bytes) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        await writer.drain()
        status_line = await reader.readline()
        body = await reader.read()  # the server closes the connection after the response
        status = int(status_line.split()[1])
        if status == 200 and not body:
            raise ValueError("empty body")
        return status
    finally:
        writer.close()


async def _reader(host, port, request, deadline, result: LoadResult, budget: list[int]) -> None:
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        started = time.perf_counter()
        try:
            status = await asyncio.wait_for(_one(host, port, request), REQUEST_TIMEOUT)
        except Exception as error:
            kind = type(error).__name__
            result.errors[kind] = result.errors.get(kind, 0) + 1
            continue
        if status != 200:
            result.errors[f"HTTP {status}"] = result.errors.get(f"HTTP {status}", 0) + 1
            continue
        result.latencies.append(time.perf_counter() - started)


async def _load(url: str, *, concurrency: int, seconds: float) -> LoadResult:
    host, port, path = ensure_loopback(url)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: kvm-bench\r\n"
        "Accept: text/html\r\nConnection: close\r\n\r\n"
    ).encode()
    result = LoadResult(path=path, concurrency=concurrency, seconds=seconds)
    budget = [MAX_REQUESTS]
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(_reader(host, port, request, deadline, result, budget) for _ in range(concurrency))
    )
    result.seconds = time.monotonic() - started
    return result


def load(url: str, *, concurrency: int = 50, seconds: float = 60.0) -> LoadResult:
    """`concurrency` readers request `url` one after another for `seconds` (and at most MAX_REQUESTS in all)."""
    return asyncio.run(_load(url, concurrency=concurrency, seconds=seconds))
