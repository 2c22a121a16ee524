"""`python -m bench.sample_report OUT.png`: page 1 of an individual achievement report, printed
from a throwaway demo database and rasterised with pdftoppm (poppler-utils), for the README."""

import datetime
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import django


def main(out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from criteria.models import AchievementRecord, Title
    from reporting import printing
    from reporting.documents import render_pdf

    from . import scenario
    from .harness import in_window, throwaway_database

    with throwaway_database():
        nomination = scenario.dossiers(1, paragraphs=6)[0]
        nomination.campaign.report_template = "official"
        nomination.campaign.save(update_fields=["report_template"])
        for year, code, number in ((2023, "LDTT", "245/QĐ-UBND"), (2025, "CSTDCS", "88/QĐ-SGDĐT")):
            AchievementRecord.objects.create(
                person=nomination.nominee_person,
                year=year,
                kind="title",
                title=Title.objects.get(code=code),
                decision_number=number,
                decision_date=datetime.date(year, 8, 20),
                issuer="Sở GDĐT Đà Nẵng",
            )
        with in_window():
            pdf = render_pdf(*printing.nomination_document(nomination)[:2])
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.pdf"
        source.write_bytes(pdf)
        pdftoppm = shutil.which("pdftoppm") or sys.exit("pdftoppm: apt-get install poppler-utils")
        subprocess.run(  # noqa: S603 (our own fixed arguments)
            [
                pdftoppm,
                "-png",
                "-r",
                "72",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                source,
                out.with_suffix(""),
            ],
            check=True,
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
