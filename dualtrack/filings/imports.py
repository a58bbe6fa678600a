"""The ``checklist_items``, ``filings``, ``filing_items`` and ``enterprise_health`` datasets (DOMAIN.md §10, §16)."""

from __future__ import annotations
