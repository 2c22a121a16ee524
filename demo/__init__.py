"""Demo data for `make run`, the browser tests and the benchmarks: a realistic education sector
at three scales (`units`), registry history (`criteria`), the seed campaigns (`campaigns`),
dossiers walked through the workflow (`nominations`) and the yearly reports (`yearly`), loaded
by `manage.py seed_demo`. It imports the apps and no app imports it, so production code never
carries demo data."""
