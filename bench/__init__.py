"""Benchmarks: `make bench` runs them on a throwaway database and prints a JSON summary.

Every measure is set against a baseline taken in the same run on the same machine (WeasyPrint
alone on the saved HTML; a plain `bulk_create` of the same rows), because machines here are
noisy: read the ratios, not the seconds. See docs/benchmarks.md."""
