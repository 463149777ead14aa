"""A bounded HTTP load test on loopback: a fixed number of GETs, a fixed concurrency, a time limit.

The client is httpx2 on asyncio (pinned in requirements-dev.txt), on the same cores as the
server: the figures are for comparing servers measured the same way, not absolute capacities.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx2

REQUESTS = 3000
CONCURRENCY = 200
TIME_LIMIT = 60.0  # seconds for the whole test; what has not been answered by then is lost
REQUEST_TIMEOUT = 30.0


@dataclass(frozen=True)
class LoadResult:
    requested: int
    seconds: float
    latencies: list[float]  # seconds, one per request answered with 200
    errors: Counter[str] = field(default_factory=Counter)  # "HTTP 503", "ConnectTimeout", ...

    @property
    def succeeded(self) -> int:
        return len(self.latencies)

    @property
    def failed(self) -> int:
        return sum(self.errors.values())

    @property
    def lost(self) -> int:
        """Requests that got neither an answer nor an error before the time limit."""
        return self.requested - self.succeeded - self.failed

    @property
    def clean(self) -> bool:
        """Every request answered with 200."""
        return self.succeeded == self.requested

    @property
    def requests_per_second(self) -> float:
        return self.succeeded / self.seconds if self.seconds > 0 else 0.0

    def latency_ms(self, percentile: int) -> float:
        """The `percentile`th percentile (1-99) of the successful requests' latencies, in ms."""
        if len(self.latencies) < 2:  # statistics.quantiles needs two points at least
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[percentile - 1] * 1000

    def cells(self) -> dict[str, str]:
        """The figures as a row of the load table."""
        return {
            "requests": str(self.requested),
            "answered 200": str(self.succeeded),
            "errors": ", ".join(f"{name} x{count}" for name, count in sorted(self.errors.items())) or "0",
            "lost": str(self.lost),
            "requests/s": f"{self.requests_per_second:.0f}",
            "p50 (ms)": f"{self.latency_ms(50):.1f}",
            "p99 (ms)": f"{self.latency_ms(99):.1f}",
        }


async def _load(url: str, requests: int, concurrency: int, time_limit: float) -> LoadResult:
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    remaining = iter(range(requests))
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    # trust_env=False: no proxy from the environment may stand between the client and loopback.
    async with httpx2.AsyncClient(limits=limits, timeout=REQUEST_TIMEOUT, trust_env=False) as client:

        async def worker() -> None:
            for _ in remaining:  # one shared iterator: the workers take the requests between them
                started = time.monotonic()
                try:
                    response = await client.get(url)
                except httpx2.HTTPError as error:
                    errors[type(error).__name__] += 1
                    continue
                if response.status_code == httpx2.codes.OK:
                    latencies.append(time.monotonic() - started)
                else:
                    errors[f"HTTP {response.status_code}"] += 1

        started = time.monotonic()
        try:
            async with asyncio.timeout(time_limit):
                await asyncio.gather(*(worker() for _ in range(concurrency)))
        except TimeoutError:
            pass  # what is left unanswered counts as lost
        seconds = time.monotonic() - started
    return LoadResult(requested=requests, seconds=seconds, latencies=latencies, errors=errors)


def load(
    url: str, *, requests: int = REQUESTS, concurrency: int = CONCURRENCY, time_limit: float = TIME_LIMIT
) -> LoadResult:
    """GET `url` `requests` times, `concurrency` at once, stopping after `time_limit` seconds."""
    return asyncio.run(_load(url, requests, concurrency, time_limit))
