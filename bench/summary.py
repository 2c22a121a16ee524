"""The short Markdown table of `docs/performance.md`, built from the JSON summary of one run.

Every row puts a figure next to its baseline from the same run and their ratio; measures that
did not run (or were skipped, with their reason) are simply absent or say why."""

from collections.abc import Iterator


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"×{value:.2f}"


def _row(what, ours, baseline, ratio, queries="") -> str:
    return f"| {what} | {ours} | {baseline} | {ratio} | {queries} |"


def _divide(a, b):
    return a / b if a is not None and b else None


def _report(r) -> Iterator[str]:
    yield _row(
        f"Individual report PDF ({r['pages']} pages), end to end",
        _s(r["end_to_end_median_s"]),
        f"WeasyPrint alone on the same HTML {_s(r['weasyprint_alone_median_s'])}",
        _ratio(r["overhead_ratio"]),
        r["queries_per_report"],
    )


def _import(r) -> Iterator[str]:
    yield _row(
        f"People import, {r['rows']:,} rows: check + confirm",
        _s(r["check_s"] + r["confirm_s"]),
        f"`bulk_create` of the same rows {_s(r['bulk_create_s'])}",
        _ratio(_divide(r["check_s"] + r["confirm_s"], r["bulk_create_s"])),
    )
    yield _row(
        "… confirm alone (the write)",
        _s(r["confirm_s"]),
        f"`bulk_create` {_s(r['bulk_create_s'])}",
        _ratio(r["confirm_vs_bulk_create_ratio"]),
    )


def _bundle(r) -> Iterator[str]:
    yield _row(
        f"Dossier bundle, per dossier ({r['dossiers']} dossiers, one Celery task)",
        _s(r["per_dossier_s"]),
        f"1,000 dossiers projected {_s(r['projected_1000_dossiers_s'])}",
        "–",
    )


def _dashboard(r) -> Iterator[str]:
    for viewer in ("province", "commune"):
        v = r.get(viewer)
        if not v:
            continue
        yield _row(
            f"Dashboard {v['unit']} ({r['scale']}), cache off",
            _s(v["page_median_s"]),
            f"its numbers alone {_s(v['numbers_alone_median_s'])}; "
            f"trivial page {_s(v['trivial_page_median_s'])}",
            f"{_ratio(v['page_vs_numbers_ratio'])}; {_ratio(v['page_vs_trivial_ratio'])}",
            v["queries_per_page"],
        )
        yield _row(
            "… from the cache",
            _s(v["cached_page_median_s"]),
            f"trivial page {_s(v['trivial_page_median_s'])}",
            _ratio(v["cached_vs_trivial_ratio"]),
            v["queries_per_cached_page"],
        )


def _honour(r) -> Iterator[str]:
    names = {
        "board": "Honour board",
        "search": "Honour board search",
        "exemplar": "Exemplar page",
        "feed": "Atom feed",
    }
    for key, page in r["pages"].items():
        yield _row(
            f"{names.get(key, key)} ({r['scale']}), cache cleared",
            _s(page["uncached_s"]),
            f"limit view {_s(page['limit_s'])}",
            _ratio(page["ratio"]),
            page["queries"],
        )
    cached = r["cached_board"]
    yield _row(
        "Honour board from the cache",
        _s(cached["seconds"]),
        f"`/healthz` {_s(cached['trivial_view_s'])}",
        _ratio(cached["ratio"]),
        cached["queries"],
    )


def _pages(r) -> Iterator[str]:
    for name, page in r.get("pages", {}).items():
        baselines = [f"limit view {_s(page.get('limit_s'))}"]
        ratios = [_ratio(page.get("vs_limit"))]
        if page.get("admin_s") is not None:
            baselines.append(f"admin change list {_s(page['admin_s'])}")
            ratios.append(_ratio(page.get("vs_admin")))
        yield _row(
            f"{page.get('label', name)} ({r.get('scale', '')})",
            _s(page.get("median_s")),
            "; ".join(baselines),
            "; ".join(ratios),
            page.get("queries", ""),
        )
    admin = r.get("admin")
    if admin:
        yield _row(
            "Django admin change list of nominations",
            _s(admin.get("median_s")),
            "(the baseline above)",
            "",
            admin.get("queries", ""),
        )


def _load(r) -> Iterator[str]:
    if "skipped" in r:
        yield _row("Load test", "skipped", r["skipped"], "", "")
        return
    mix = r.get("mix", {})
    trivial = r.get("trivial", {})
    yield _row(
        f"Deadline-day mix, {mix.get('users', '?')} users, {mix.get('seconds', '?')} s: "
        f"{mix.get('rps', 0):.0f} req/s, {mix.get('errors', 0)} errors",
        f"p50 {_s(mix.get('p50_s'))}, p95 {_s(mix.get('p95_s'))}, p99 {_s(mix.get('p99_s'))}",
        f"trivial view {trivial.get('rps', 0):.0f} req/s, p50 {_s(trivial.get('p50_s'))}",
        _ratio(_divide(trivial.get("rps"), mix.get("rps"))),
        "",
    )
    for name, page in r.get("pages", {}).items():
        yield _row(
            f"Under load: {page.get('label', name)}",
            f"{page.get('rps', 0):.0f} req/s, p95 {_s(page.get('p95_s'))}",
            f"limit view {page.get('limit_rps', 0):.0f} req/s"
            + (
                f"; admin {page['admin_rps']:.0f} req/s"
                if page.get("admin_rps") is not None
                else ""
            ),
            _ratio(page.get("vs_limit")),
            "",
        )


def _sweep(r) -> Iterator[str]:
    yield _row(
        f"Reminder sweep, {r['units']:,} units, first ({r['reminders_written']:,} reminders)",
        _s(r["first_sweep_s"]),
        f"`bulk_create` of the same messages {_s(r['bulk_create_same_messages_s'])}",
        _ratio(r["first_sweep_vs_bulk_create_ratio"]),
    )
    yield _row(
        "… repeat sweep (nothing new; every 5 minutes)",
        _s(r["repeat_sweep_s"]),
        f"`bulk_create` {_s(r['bulk_create_same_messages_s'])}",
        _ratio(_divide(r["repeat_sweep_s"], r["bulk_create_same_messages_s"])),
    )


SECTIONS = {
    "pages": _pages,
    "load": _load,
    "honour": _honour,
    "dashboard": _dashboard,
    "report": _report,
    "bundle": _bundle,
    "import": _import,
    "sweep": _sweep,
}


def markdown(summary: dict) -> str:
    machine = summary["machine"]
    lines = [
        f"Run of {machine.get('date', '')} on {machine['cpus']} cores, "
        f"{machine['database']}, Python {machine['python']}, "
        f"{machine.get('seconds', 0) / 60:.1f} minutes in all"
        + (" (`--quick`: smoke sizes, not figures to quote)" if machine.get("quick") else "")
        + ".",
        "",
        "| measure | ours | baseline from the same run | ratio | queries |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, section in SECTIONS.items():
        if name in summary:
            lines.extend(section(summary[name]))
    return "\n".join(lines) + "\n"
