#!/usr/bin/env python
"""Django's manage.py; the ``dualtrack`` console script does the same."""

from dualtrack.cli import main

if __name__ == "__main__":
    main()
