"""Markdown tables, command lines, and the one writer of docs/benchmarks.md.

docs/benchmarks.md is hand-written (method and interpretation) around blocks that a scenario's
--write records: each between a begin and an end marker (HTML comments, invisible when
rendered), holding only measured facts (machine, data, command, tables). --write replaces its
own blocks and leaves every other line of the file as it is.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable

from lib import ROOT

BENCHMARKS = ROOT / "docs" / "benchmarks.md"


def table(head: list[str], rows: Iterable[Iterable]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def command(script: str, argv: list[str], url: str | None = None) -> str:
    """The command line as recorded: `[DATABASE_URL=url ].venv/bin/python bench/<script> ...`."""
    prefix = f"DATABASE_URL={url} " if url else ""
    return f"{prefix}.venv/bin/python bench/{script}" + (" " + shlex.join(argv) if argv else "")


def begin(key: str) -> str:
    return f"<!-- {key}: begin of what --write records (edit around it, not in it) -->"


def end(key: str) -> str:
    return f"<!-- {key}: end -->"


def write(section: str, blocks: list[tuple[str, str, str]]) -> None:
    """Replace each (key, subheading, text) block of docs/benchmarks.md between its markers.

    A block not there yet goes at the end of the "## " `section` (made at the end of the file
    if missing), under "### subheading" unless that is empty; its method and interpretation are
    then for a person to write around it."""
    doc = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n"
    for key, subheading, text in blocks:
        block = f"{begin(key)}\n\n{text.strip()}\n\n{end(key)}"
        start = doc.find(begin(key))
        stop = doc.find(end(key), start)
        if start != -1 and stop != -1:
            doc = doc[:start] + block + doc[stop + len(end(key)) :]
            continue
        new = (f"### {subheading}\n\n" if subheading else "") + block + "\n"
        at = doc.find(f"\n{section}\n")
        if at == -1:
            doc = doc.rstrip("\n") + f"\n\n{section}\n\n{new}"
            continue
        after = doc.find("\n## ", at + len(section) + 2)
        if after == -1:
            doc = doc.rstrip("\n") + "\n\n" + new
        else:
            doc = doc[:after].rstrip("\n") + "\n\n" + new + doc[after:]
    BENCHMARKS.write_text(doc.rstrip("\n") + "\n")
    print(f"wrote {', '.join(key for key, _s, _t in blocks)} in docs/benchmarks.md")
