"""Time `lindung synth` for a whole regency: 200,000 people of Seluma by default.

Run: .venv/bin/python bench/bench_synth.py [--people N] [--regency CODE] [--format F]
The real command runs in a child process, writing to a temporary folder; wall time and the
child's peak memory (getrusage of the children) are measured from outside. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LINDUNG = Path(sys.executable).parent / "lindung"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--regency", default="17.05")
    parser.add_argument("--format", default="csv,parquet")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        print(json.dumps(_measure(options.regency, options.people, options.format, Path(out))))


def _measure(regency: str, people: int, formats: str, out: Path) -> dict[str, Any]:
    command = [
        str(LINDUNG), "synth", "--regency", regency, "--people", str(people), "--seed", "1",
        "--out", str(out), "--format", formats, "--json",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    summary = json.loads(done.stdout.splitlines()[-1])
    # ru_maxrss is in KiB on Linux and covers the one child this process has waited for.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "bench": "synth",
        "command": shlex.join(["lindung", *command[1:]]).replace(str(out), "OUT"),
        "seconds": round(seconds, 2),
        "command_seconds": summary["seconds"],
        "peak_rss_mb": round(peak_kib / 1024),
        "people": summary["people"],
        "families": summary["families"],
        "list_rows": summary["list_rows"],
        "output_mb": round(sum(p.stat().st_size for p in out.iterdir()) / 2**20, 1),
    }


if __name__ == "__main__":
    main()
