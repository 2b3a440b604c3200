"""Processes: gunicorn, manage.py commands, free ports, children forked afresh."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from lib import ROOT
from lib.django_setup import WSGI

VENV_BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(*args: str, env: dict[str, str], check: bool = True,
           capture: bool = False) -> subprocess.CompletedProcess:  # fmt: skip
    """`.venv/bin/python manage.py <args>` in the project, with `env`."""
    return subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=env,
                          check=check, capture_output=capture, text=True)  # fmt: skip


def run_forked(argv: list[str]) -> subprocess.CompletedProcess:
    """Run argv through a shell that forks it (no exec of the last command: `; exit $?`).

    Linux carries a process's RSS over exec into ru_maxrss, so a child forked or vforked straight
    from a big parent (Django, WeasyPrint, a data set) would start with that as its ru_maxrss
    and hide any smaller peak of its own; one forked by the shell starts from the shell's few
    MiB."""
    return subprocess.run(["/bin/sh", "-c", '"$@"; exit $?', "sh", *argv], capture_output=True,
                          text=True, check=False)  # fmt: skip


class Gunicorn:
    """`.venv/bin/gunicorn <WSGI> --workers W --bind 127.0.0.1:<free port>` (sync workers),
    started in the project with `env`, its log appended to `log`; ready once every worker is up
    and the port answers."""

    def __init__(self, workers: int, env: dict[str, str], log: Path) -> None:
        self.workers = workers
        self.port = free_port()
        self.log = log
        self.command = [str(VENV_BIN / "gunicorn"), WSGI, "--workers", str(workers),
                        "--bind", f"127.0.0.1:{self.port}"]  # fmt: skip
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [*self.command, "--error-logfile", "-"], cwd=ROOT, env=env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self._wait_ready()

    def _wait_ready(self, limit: float = 60) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited ({self.process.returncode}); see {self.log}")
            if len(self.worker_pids()) == self.workers:
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", self.port), timeout=1),
                ):
                    return
            time.sleep(0.2)
        self.stop()
        sys.exit(f"gunicorn did not come up in {limit:.0f} s; see {self.log}")

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def pids(self) -> list[int]:
        """The arbiter and its workers (the arbiter's CPU counts too)."""
        return [self.process.pid, *self.worker_pids()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_errors(self) -> list[str]:
        if not self.log.exists():
            return []
        bad = ("Traceback", "ERROR", "CRITICAL", "WORKER TIMEOUT")
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if any(word in line for word in bad)]


def lower_autogroup(pid: int, nice: int) -> None:
    """Give the process's scheduling group the nice value too.

    With the kernel's autogroups (kernel.sched_autogroup_enabled=1, Debian's default) a process
    in a session of its own shares the CPU with the other sessions as an equal group, and its
    nice value counts only inside that group: a `nice -n 10` worker still took 0.65-0.8 of the
    two cores from gunicorn. systemd's CPUWeight does the same between services; here the
    group's own nice value does (proc(5), /proc/<pid>/autogroup)."""
    # Without autogroups (or the right to set it) the process's own nice value alone applies.
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))


class DbWorker:
    """`manage.py db_worker` (django-tasks' database queue) polling every `interval` seconds,
    at `nice` CPU priority as docs/deployment.md runs it, so that signing keeps the cores it
    needs; started in the project with `env`, its output appended to `log`."""

    def __init__(self, env: dict[str, str], log: Path, *, nice: int = 10,
                 interval: float = 0.5) -> None:  # fmt: skip
        self.log = log
        command = [str(VENV_BIN / "python"), "manage.py", "db_worker", "--no-startup-delay",
                   "--interval", str(interval)]  # fmt: skip
        if nice:
            command = ["nice", "-n", str(nice), *command]
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        if nice:
            lower_autogroup(self.process.pid, nice)

    @property
    def pid(self) -> int:
        return self.process.pid  # nice execs the command: the same process

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # finishes the task in hand, then exits
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def peak_rss_mib(pids: list[int]) -> list[float]:
    """Each process's high-water resident memory (VmHWM) in MiB; 0 for one that is gone."""
    out = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            out.append(0.0)
            continue
        kib = next((int(line.split()[1]) for line in status.splitlines()
                    if line.startswith("VmHWM:")), 0)  # fmt: skip
        out.append(kib / 1024)
    return out
