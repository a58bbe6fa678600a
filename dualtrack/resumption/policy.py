"""Access policy of resumption reports (DOMAIN.md §1, §4): a report follows its enterprise; reporting
(复工填报) is for the enterprise itself, its liaison officer, its district (or park) and HQ."""

from __future__ import annotations

from dualtrack.core.policy import declare

declare("resumption.ResumptionReport", via=("enterprise", "registry.Enterprise"))
