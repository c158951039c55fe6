#!/usr/bin/env python
"""`make bench`: run every benchmark script in this folder, one after another, and report which ones failed.

A benchmark is any `bench/*.py` except this runner and modules starting with "_"; each runs in its own process
(`python bench/<name>.py`), prints its own figures, and exits non-zero when it could not measure.
Pass names to run only some: `python bench/run.py newsletter_send`.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name != "run.py" and not p.name.startswith("_"))
    if argv:
        scripts = [p for p in scripts if p.stem in argv]
    failed = []
    for script in scripts:
        print(f"=== {script.stem}", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        print(
            f"=== {script.stem}: exit {result.returncode} after {time.monotonic() - started:.0f} s",
            flush=True,
        )
        if result.returncode:
            failed.append(script.stem)
    if failed:
        print(f"Failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
