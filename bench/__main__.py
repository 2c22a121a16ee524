"""`python -m bench [--quick]`: run the benchmarks, print one JSON summary on stdout."""

import argparse
import json
import os
import platform
import sys

import django


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only",
        choices=["report", "import", "bundle", "dashboard", "honour", "sweep"],
        action="append",
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats and rows (smoke run)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from . import bundle, dashboard, honour, imports, report, sweep
    from .harness import throwaway_database

    chosen = args.only or ["report", "import", "bundle", "dashboard", "honour", "sweep"]
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
        # Last: it grows the database to the national tree (about 3 minutes of seeding).
        "sweep": lambda: sweep.run(scale="demo" if args.quick else "nation"),
    }
    summary = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "database": connection.vendor,
        }
    }
    with throwaway_database():
        for name in chosen:
            print(f"bench: {name}…", file=sys.stderr)
            summary[name] = runs[name]()
    json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
