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


PAGE_LABELS = {
    "school_list": "School's dossier list",
    "commune_list": "Commune's dossier list",
    "province_list": "Sở's dossier list",
    "commune_queue": "Commune approver's queue",
    "province_queue": "Sở approver's queue",
    "short_dossier": "Dossier page (short)",
    "dossier": "Dossier page",
    "commune_dashboard": "Commune dashboard, cache off",
    "dashboard": "Sở dashboard, cache off",
    "honour_board": "Honour board",
    "honour_search": "Honour board search",
    "people": "Sở's people list",
    "people_search": "Sở's people list, search without diacritics",
    "units": "Sở's unit list",
}


def _pages(r) -> Iterator[str]:
    admin = r["admin_list"]
    for name, page in r["pages"].items():
        yield _row(
            f"{PAGE_LABELS.get(name, name)} ({r['scale']}, {page['rows']} rows)",
            _s(page["median_s"]),
            f"limit view {_s(page['limit_median_s'])}; admin change list {_s(admin['median_s'])}",
            f"{_ratio(page['vs_limit'])}; {_ratio(page['vs_admin'])}",
            page["queries"],
        )
    yield _row(
        "Django admin change list of the same dossiers",
        _s(admin["median_s"]),
        f"trivial page {_s(r['trivial_login']['median_s'])}",
        _ratio(admin["vs_trivial"]),
        admin["queries"],
    )


def _ms(value) -> str:
    return _s(None if value is None else value / 1000)


def _load(r) -> Iterator[str]:
    if "skipped" in r:
        yield _row("Load test", "skipped", r["skipped"], "", "")
        return
    total, trivial = r["mix"]["total"], r["pages"]["trivial"]
    done = r["submissions"]
    yield _row(
        f"Deadline-day mix: {r['users']} users for {r['mix']['seconds']} s, "
        f"{total['requests']:,} requests, {total['errors']} errors; "
        f"{done['found_submitted_in_db']}/{done['submit_success_responses']} submissions found",
        f"{total['rps']:.1f} req/s; p50 {_ms(total['p50_ms'])}, p95 {_ms(total['p95_ms'])}, "
        f"p99 {_ms(total['p99_ms'])}",
        f"trivial view alone {trivial['rps']:.1f} req/s, p95 {_ms(trivial['p95_ms'])}",
        _ratio(_divide(trivial["rps"], total["rps"])),
    )
    admin = r["pages"].get("admin change list", {})
    for name, page in r["pages"].items():
        limit = r["pages"].get(f"limit: {name}")
        if not limit or "vs_limit" not in page:
            continue
        yield _row(
            f"Under load, alone: {name}",
            f"{page['rps']:.1f} req/s; p95 {_ms(page['p95_ms'])}",
            f"limit view {limit['rps']:.1f} req/s; admin change list "
            f"{admin.get('rps', 0):.1f} req/s",
            f"{_ratio(page['vs_limit'])}; {_ratio(page['vs_admin'])}",
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


def _review(r) -> Iterator[str]:
    yield _row(
        f"Year-end review of a {r['staff']}-staff school",
        _s(r["review_s"]),
        f"the school's unit page {_s(r['baseline_s'])}",
        _ratio(r["ratio"]),
        r["queries"],
    )


SECTIONS = {
    "pages": _pages,
    "load": _load,
    "honour": _honour,
    "review": _review,
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
