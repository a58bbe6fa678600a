"""The printed slips' files (三联单, ``slips``): their job kind, and their erasure with the workers' personal data.
Apart from ``slips`` so that ``services`` erases them without importing the slips, which read the workers
through ``services`` (one way: slips → services → printed)."""

from __future__ import annotations

from dualtrack.core import exportjobs
from dualtrack.core.models import ExportJob

KIND = "workreturn.slips"


def erase() -> int:
    """Every printed slips file and its job: they hold the names and phones erased with the workers' personal data
    (DOMAIN.md §15 "Keys for personal data"). Also the folder where an earlier release kept slips. Returns how many
    files went."""
    from pathlib import Path

    from django.conf import settings

    erased = 0
    jobs = list(ExportJob.objects.filter(kind=KIND))
    for job in jobs:
        for path in (exportjobs.file_of(job), exportjobs.progress_file(job)):
            if path.exists():
                path.unlink(missing_ok=True)
                erased += path.suffix == ".pdf"
    ExportJob.objects.filter(pk__in=[job.pk for job in jobs]).delete()
    legacy = Path(getattr(settings, "EXPORTS_ROOT", None) or Path(settings.HOME) / "exports") / "slips"
    if legacy.is_dir():
        for path in legacy.iterdir():
            if path.is_file():
                path.unlink(missing_ok=True)
                erased += 1
    return erased
