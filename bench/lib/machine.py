"""The machine: its one-line description, CPU readings from /proc, waiting until it is quiet."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1
# The other heavy benchmarks: load_signing waits until none of them runs.
OTHER_BENCHES = "bench/(bulk_download|dashboard|seed_national)"
QUIET_CORES = 0.3


def machine() -> str:
    """Cores, CPU model, RAM, Python and the 1-minute load average now."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    ram = "unknown RAM"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            ram = f"{int(line.split()[1]) / 2**20:.1f} GiB RAM"
            break
    load = os.getloadavg()[0]
    return (
        f"nproc {os.cpu_count()}, {model}, {ram}, Python {platform.python_version()}, "
        f"load average {load:.1f} at start (the machine is shared with other jobs)"
    )


# --- CPU from /proc --------------------------------------------------------------------------


def system_busy() -> tuple[float, float, float]:
    """(all, idle + iowait, steal) CPU-seconds of the machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values[:8]) / TICK, (values[3] + values[4]) / TICK, values[7] / TICK


def background_cpu(seconds: float = 5.0) -> float:
    """Cores busy over `seconds` (steal time included), whoever keeps them busy."""
    before = system_busy()
    time.sleep(seconds)
    after = system_busy()
    total, idle = after[0] - before[0], after[1] - before[1]
    return (total - idle) / total * CORES if total else 0.0


def proc_cpu(pid: int) -> float:
    """CPU-seconds (user + system) of one process so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


PG_TITLE_DB = re.compile(r"postgres: [^:]+: (?:autovacuum worker (\S+)|\S+ (\S+) \S+\()")


def _postgres_role(entry: Path, database: str) -> str:
    """ "postgres" for the backends of `database` and the server's own processes (WAL writer,
    checkpointer ...), "postgres <db>" for a backend of another database."""
    title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    found = PG_TITLE_DB.search(title)
    name = next((g for g in found.groups() if g), "") if found else ""
    return "postgres" if name in ("", database) else f"postgres {name}"


def all_processes(database: str) -> dict[int, tuple[str, float]]:
    """Every process's command name and CPU-seconds so far (PostgreSQL's with its exited
    backends: of every database, since the postmaster counts them together)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                head, rest = (entry / "stat").read_text().rsplit(")", 1)
                fields = rest.split()
                comm = head.split("(", 1)[1]
                seconds = int(fields[11]) + int(fields[12])
                if comm == "postgres":
                    comm = _postgres_role(entry, database)
                    # A backend that exited (CONN_MAX_AGE replaces them every minute) leaves its
                    # CPU in its reaped children's count, on the postmaster (cutime + cstime).
                    seconds += int(fields[13]) + int(fields[14])
                found[int(entry.name)] = (comm, seconds / TICK)
    return found


@dataclass
class CpuSnapshot:
    """CPU-seconds of the server's processes, of PostgreSQL (the benchmark's database and the
    server's own processes), of this process and of everything."""

    server: set[int]
    processes: dict[int, tuple[str, float]]
    me: float
    wall: float
    system: tuple[float, float, float]

    @classmethod
    def take(cls, server_pids: list[int], database: str) -> CpuSnapshot:
        return cls(set(server_pids), all_processes(database), time.process_time(),
                   time.perf_counter(), system_busy())  # fmt: skip

    def since(self, before: CpuSnapshot) -> dict:
        """Cores busy in between: gunicorn (the server's pids), postgres, loadgen (this
        process), other (and its three busiest), steal and system (all of them)."""
        wall = self.wall - before.wall
        used: Counter = Counter()
        others: Counter = Counter()
        for pid, (comm, seconds) in self.processes.items():
            spent = seconds - before.processes.get(pid, (comm, 0.0))[1]
            if pid in self.server:
                used["gunicorn"] += spent
            elif comm == "postgres":
                used["postgres"] += spent
            elif pid == os.getpid():
                continue
            else:
                used["other"] += spent
                others[comm] += spent
        total = self.system[0] - before.system[0]
        idle = self.system[1] - before.system[1]
        steal = self.system[2] - before.system[2]
        return {
            "wall": wall,
            "gunicorn": used["gunicorn"] / wall,
            "postgres": used["postgres"] / wall,
            "loadgen": (self.me - before.me) / wall,
            "other": used["other"] / wall,
            "others": [(comm, sec / wall) for comm, sec in others.most_common(3) if sec > 0],
            "steal": steal / total * CORES if total else 0.0,
            "system": (total - idle) / total * CORES if total else 0.0,
        }


def others_text(cpu: dict) -> str:
    """The busiest other processes of CpuSnapshot.since(), those of 0.01 cores or more."""
    return ", ".join(f"{comm} {c:.2f}" for comm, c in cpu.get("others", []) if c >= 0.01)


def cpu_text(cpu: dict) -> str:
    others = others_text(cpu)
    return (
        f"{cpu['gunicorn']:.2f} gunicorn + {cpu['postgres']:.2f} PostgreSQL + "
        f"{cpu['loadgen']:.2f} load generator + {cpu.get('other', 0.0):.2f} other processes"
        + (f" ({others})" if others else "")
        + f" + {cpu.get('steal', 0.0):.2f} steal (hypervisor) = {cpu['system']:.2f} of "
        f"{CORES} cores busy"
    )


# --- Memory of this process ------------------------------------------------------------------


def vm_rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def reset_peak_rss() -> bool:
    """Lower this process's high-water RSS (VmHWM, which ru_maxrss reports) to its current RSS
    by writing "5" to /proc/self/clear_refs; False where that is not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


# --- Waiting for a quiet machine -------------------------------------------------------------


def other_benches(pattern: str = OTHER_BENCHES) -> list[str]:
    out = subprocess.run(["pgrep", "-af", pattern], capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line.strip()]


class Quiet:
    """A budget (20 minutes) for waiting on a quiet machine: no other benchmark running and
    under QUIET_CORES busy over 3 s, polled every 30 s. Spent before the run, and again before
    each measured phase if another benchmark has started meanwhile; notes what it waited for."""

    def __init__(self, enabled: bool, budget: float = 20 * 60, every: float = 30) -> None:
        self.enabled, self.left, self.every = enabled, budget, every
        self.notes: list[str] = []

    def wait(self, label: str) -> str:
        if not self.enabled:
            return "not checked (--no-wait)"
        start = time.monotonic()
        while True:
            running = other_benches()
            busy = background_cpu(3.0) if not running else float("nan")
            waited = time.monotonic() - start
            if not running and busy < QUIET_CORES:
                self.left -= waited
                note = f"{label}: {busy:.2f} cores busy"
                if waited > 10:
                    note = (
                        f"{label}: waited {waited:.0f} s for other jobs, then {busy:.2f} cores busy"
                    )
                    self.notes.append(note)
                return note
            what = "; ".join(running) if running else f"{busy:.2f} cores busy with other jobs"
            if waited >= self.left:
                self.left = 0
                note = f"{label}: measured although the machine was busy ({what})"
                print(note)
                self.notes.append(note)
                return note
            print(f"waiting before {label}: {what}")
            time.sleep(min(self.every, max(1.0, self.left - waited)))
