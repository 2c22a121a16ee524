"""`python -m bench [--quick]`: run the benchmarks, print one JSON summary on stdout.

A full run also writes it to `docs/performance.json` and its table into `docs/performance.md`
(between the `bench:begin` and `bench:end` markers); a quick run writes
`bench/results/quick.json` and leaves the documents alone."""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import django


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only",
        choices=[
            "report",
            "import",
            "bundle",
            "dashboard",
            "honour",
            "pages",
            "review",
            "load",
            "sweep",
        ],
        action="append",
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats and rows (smoke run)")
    parser.add_argument("--out", type=Path, help="where to write the JSON (default: see above)")
    args = parser.parse_args()
    started = time.monotonic()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection
    from django.utils import timezone

    from . import bundle, dashboard, honour, imports, load, pages, report, review, sweep
    from .harness import throwaway_database

    chosen = args.only or [
        "report",
        "import",
        "bundle",
        "dashboard",
        "honour",
        "pages",
        "review",
        "load",
        "sweep",
    ]
    runs = {
        "report": lambda: report.run(repeat=3 if args.quick else 9),
        "import": lambda: imports.run(rows=1_000 if args.quick else 10_000),
        "bundle": lambda: bundle.run(dossiers=5 if args.quick else 40),
        # Grows the database to the `province` tree and its demo dossiers (before the sweep).
        "dashboard": lambda: dashboard.run(
            scale="demo" if args.quick else "province", repeat=3 if args.quick else 9
        ),
        # The public honour board on the same `province` data.
        "honour": lambda: honour.run(
            scale="demo" if args.quick else "province", repeat=3 if args.quick else 9
        ),
        # The main pages against their limit views and the admin change list (`province`).
        "pages": lambda: pages.run(
            scale="demo" if args.quick else "province", repeat=3 if args.quick else 15
        ),
        # The year-end review of a 200-staff school against the school's unit page.
        "review": lambda: review.run(repeat=3 if args.quick else 9),
        # gunicorn and a Celery worker under locust at the deadline (PostgreSQL only).
        "load": lambda: load.run(scale="demo" if args.quick else "province", quick=args.quick),
        # Last: it grows the database to the national tree (about 3 minutes of seeding).
        "sweep": lambda: sweep.run(scale="demo" if args.quick else "nation"),
    }
    summary = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "database": connection.vendor,
            "date": timezone.localdate().strftime("%d/%m/%Y"),
            "quick": args.quick,
        }
    }
    with throwaway_database():
        for name in chosen:
            print(f"bench: {name}…", file=sys.stderr)
            summary[name] = runs[name]()
    summary["machine"]["seconds"] = round(time.monotonic() - started, 1)
    text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    print(text, end="")
    write(summary, text, out=args.out, documents=not args.quick and not args.only)


def write(summary: dict, text: str, *, out: Path | None, documents: bool) -> None:
    from .summary import markdown

    docs = Path(__file__).resolve().parent.parent / "docs"
    default = docs / "performance.json" if documents else Path("bench/results/quick.json")
    path = out or default
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"bench: wrote {path}", file=sys.stderr)
    if documents:
        page = docs / "performance.md"
        before, rest = page.read_text(encoding="utf-8").split(BEGIN, 1)
        _, after = rest.split(END, 1)
        page.write_text(f"{before}{BEGIN}\n{markdown(summary)}{END}{after}", encoding="utf-8")
        print(f"bench: wrote the table into {page}", file=sys.stderr)


BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


if __name__ == "__main__":
    main()
