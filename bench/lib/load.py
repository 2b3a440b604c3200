"""Phases of load: virtual users over a list of items, with latencies, statuses and CPU."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from lib import report as md
from lib.http import Reply
from lib.machine import CORES, CpuSnapshot, Quiet, background_cpu, cpu_text, others_text
from lib.stats import lat


@dataclass
class Phase:
    name: str
    concurrency: int
    request: str = "request"  # named in the errors of items that do not say (item.step)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    ok: int = 0
    attempted: int = 0
    window: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    first_limited: float | None = None  # seconds into the phase of the first 429
    ok_before_limit: int = 0
    stopped_by_deadline: bool = False
    started: float = 0.0
    background: float | None = None  # cores busy just before the phase

    def record(self, step: str, seconds: float, reply: Reply, good: bool) -> None:
        self.latencies[step].append(seconds)
        self.statuses[(step, reply.status)] += 1
        if not good:
            self.fail(step, f"HTTP {reply.status} {reply.header('location')}".strip())

    def fail(self, step: str, reason: str) -> None:
        self.errors[(step, reason[:120])] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{step}: {reason[:300]}")

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def rate(self) -> float:
        """Successes per second of the window (first request sent to last answer read)."""
        return self.ok / self.window if self.window else 0.0


async def _run(phase: Phase, items: list, action, *, max_seconds: float, pids: list[int],
               database: str) -> Phase:  # fmt: skip
    queue = iter(items)
    before = CpuSnapshot.take(pids, database)
    phase.started = time.perf_counter()
    deadline = phase.started + max_seconds

    async def virtual_user() -> None:
        while True:
            if time.perf_counter() >= deadline:
                phase.stopped_by_deadline = True
                return
            item = next(queue, None)
            if item is None:
                return
            phase.attempted += 1
            try:
                if await action(item, phase):
                    phase.ok += 1
            except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
                phase.fail(getattr(item, "step", phase.request), f"{type(exc).__name__}: {exc}")

    await asyncio.gather(*(virtual_user() for _ in range(phase.concurrency)))
    phase.window = time.perf_counter() - phase.started
    phase.cpu = CpuSnapshot.take(pids, database).since(before)
    return phase


def settle(phase: Phase, quiet: Quiet, label: str = "") -> None:
    """Before a measured phase: wait for a quiet machine, then note how busy it is (3 s)."""
    quiet.wait(label or phase.name)
    phase.background = background_cpu(3.0)


def run_phase(phase: Phase, items: list, action, *, max_seconds: float, pids: list[int],
              database: str, quiet: Quiet | None = None) -> Phase:  # fmt: skip
    """`phase.concurrency` virtual users, each taking the next item and awaiting
    action(item, phase) (True for a success), until the items run out; no item is taken after
    max_seconds. CPU is counted with `pids` as the server's and `database` as PostgreSQL's.
    With `quiet`, the phase is settle()d first."""
    if quiet is not None:
        settle(phase, quiet)
    return asyncio.run(_run(phase, items, action, max_seconds=max_seconds, pids=pids,
                            database=database))  # fmt: skip


def print_phase(phase: Phase) -> None:
    print(
        f"  {phase.name}: {phase.ok:,} ok of {phase.attempted:,} in {phase.window:.1f} s = "
        f"{phase.rate:.1f}/s, errors {phase.error_count}"
        + (" (stopped by --max-seconds)" if phase.stopped_by_deadline else "")
    )
    for step, times in phase.latencies.items():
        print(f"    {step}: n={len(times):,} p50/p95/p99 {lat(times)}")
    if phase.cpu:
        print(f"    CPU: {cpu_text(phase.cpu)}")
    if phase.background is not None:
        print(f"    before the phase: {phase.background:.2f} cores busy (gunicorn idle)")
    for example in phase.examples:
        print(f"    error: {example}")
    limited = sum(n for (_step, status), n in phase.statuses.items() if status == 429)
    if limited:
        print(f"    429: {limited:,}, the first after {phase.first_limited or 0:.2f} s and "
              f"{phase.ok_before_limit:,} answers")  # fmt: skip


def cpu_table(first: list[str], rows: list[tuple[list[str], Phase]]) -> str:
    """Cores busy during each phase, by whom (CpuSnapshot.since); `first` heads the label
    cells that start each row."""
    head = [*first, "gunicorn", "PostgreSQL", "load generator", "other processes",
            "steal (hypervisor)", "cores busy", "just before (gunicorn idle)"]  # fmt: skip
    cells = []
    for labels, p in rows:
        if not p.cpu:
            continue
        others = others_text(p.cpu)
        cells.append([*labels, f"{p.cpu['gunicorn']:.2f}", f"{p.cpu['postgres']:.2f}",
                      f"{p.cpu['loadgen']:.2f}",
                      f"{p.cpu['other']:.2f}" + (f" ({others})" if others else ""),
                      f"{p.cpu['steal']:.2f}", f"{p.cpu['system']:.2f} of {CORES}",
                      "–" if p.background is None else f"{p.background:.2f}"])  # fmt: skip
    return md.table(head, cells)
