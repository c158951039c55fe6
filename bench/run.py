"""Runs the benchmarks: every bench/*.py script (but this one and _helpers), or those named on the command line.

    python bench/run.py                    # all of them, in name order
    python bench/run.py load_document      # just one; arguments after `--` go to each script

Each script is a standalone program that prints its figures and exits non-zero when its run failed.
"""

import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def scripts(names: list[str]) -> list[Path]:
    found = sorted(
        path for path in BENCH_DIR.glob("*.py") if path.name != "run.py" and not path.name.startswith("_")
    )
    if not names:
        return found
    wanted = {name.removesuffix(".py") for name in names}
    unknown = wanted - {path.stem for path in found}
    if unknown:
        raise SystemExit(
            f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(p.stem for p in found)}"
        )
    return [path for path in found if path.stem in wanted]


def main(argv: list[str]) -> int:
    names, extra = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    failed = []
    for script in scripts(names):
        print(f"=== bench/{script.name}", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, str(script), *extra], cwd=BENCH_DIR.parent)
        print(
            f"=== bench/{script.name}: {'ok' if code == 0 else f'FAILED ({code})'} in {time.monotonic() - started:.0f} s"
        )
        if code:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
