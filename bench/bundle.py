"""A unit's dossier bundle (every report PDF, evidence, the lists) built the way the Celery task
builds it, and what that means for a 1,000-dossier round."""

from reporting import bundles
from reporting.models import Export, ExportStatus
from units.models import Unit

from . import scenario
from .harness import require, rounded, timed


def run(*, dossiers: int) -> dict:
    made = scenario.dossiers(dossiers, paragraphs=8)
    export = Export.objects.create(
        requested_by=scenario.nominator(),
        unit=Unit.objects.get(code=scenario.SCHOOL),
        round=made[0].round,
    )
    seconds = timed(lambda: bundles.bundle_build(export))
    export.refresh_from_db()
    require(export.status == ExportStatus.DONE, export.error)
    require(export.total >= dossiers, f"{export.total} dossiers in the bundle")
    per_dossier = seconds / export.total
    return {
        "dossiers": export.total,
        "seconds": rounded(seconds),
        "per_dossier_s": rounded(per_dossier),
        "zip_bytes": export.file.size,
        # One task, one core: the projection is linear in the number of dossiers.
        "projected_1000_dossiers_s": round(per_dossier * 1000),
    }
