"""The ``dualtrack`` console script: every operator task is a subcommand.

``dualtrack demo``, ``dualtrack import <dataset> <file>``, ``dualtrack createuser``, ``dualtrack migrate``,
``dualtrack runserver`` … are Django management commands run with dualtrack's settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dualtrack.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dualtrack", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
