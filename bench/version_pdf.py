"""How long drawing a version of a 200-activity document as a PDF takes (WeasyPrint), its size and pages, and
that pdftotext reads every call and activity title back.

Usage: python bench/version_pdf.py [--activities 200] [--runs 3]. Set DATABASE_URL to measure on PostgreSQL.
The site draws a version's PDF once, on the first request, and serves the stored file after.
"""

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from _django import setup
from _document import build_document


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=200)
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup("version_pdf")

    from pages.actions import PublishVersionAction
    from pages.pdf import render_version_pdf

    document = build_document(activities=args.activities, calls=args.calls)
    version = PublishVersionAction(document, note="Bench", skip_permission_check=True).execute()
    timings, pdf = [], b""
    for _run in range(args.runs):
        started = time.perf_counter()
        pdf = render_version_pdf(version=version)
        timings.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(
            ["pdftotext", file.name, "-"], capture_output=True, text=True, check=True
        ).stdout
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, check=True).stdout
    pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
    titles = [f"Call {n}" for n in range(1, args.calls + 1)] + [
        f"Activiteit {n}.{i}" for n in range(1, args.calls + 1) for i in range(args.activities // args.calls)
    ]
    missing = [title for title in titles if title not in text]
    print(f"version_pdf: {args.activities} activities, {args.runs} runs")
    print(
        f"  median {statistics.median(timings):.2f} s, max {max(timings):.2f} s; {len(pdf) / 1024:.0f} kB, "
        f"{pages} pages; peak RSS {peak_mb:.0f} MB; {len(titles) - len(missing)} of {len(titles)} titles read back"
    )
    if missing:
        print(f"FAILED: not in the PDF's text: {', '.join(missing[:5])}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
