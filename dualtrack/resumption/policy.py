"""Access policy of resumption reports (DOMAIN.md §1, §4): a report follows its enterprise; reporting
(复工填报) is for the enterprise itself, its liaison officer, its district (or park) and HQ. The stored daily
picture is read through the scoped views of ``resumption.picture`` (a district sees its rows of it); the rows
themselves only by HQ (in the admin)."""

from __future__ import annotations

from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import declare, roles

declare("resumption.ResumptionReport", via=("enterprise", "registry.Enterprise"))
declare("resumption.DayPicture", {Action.VIEW: roles(Role.HQ)})
