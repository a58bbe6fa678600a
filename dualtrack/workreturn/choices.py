"""Attestation kinds, refusal reasons and worker states of point-to-point worker return (DOMAIN.md §12)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AttestationKind(models.TextChoices):
    """健康证明的类型."""

    HEALTH_CERTIFICATE = "health_certificate", _("健康证明")
    NO_TRAVEL_14 = "no_travel_14", _("14天无外出证明")
    GREEN_CODE = "green_code", _("健康码绿码")


class RefusalReason(models.TextChoices):
    ATTESTATION = "attestation", _("健康证明超过14天")
    TEMPERATURE = "temperature", _("体温不低于37.3℃")


class WorkerState(models.TextChoices):
    """A worker's state at a moment: the last of these that has happened by then."""

    REGISTERED = "registered", _("已登记")
    BOARDED = "boarded", _("已上车")
    REFUSED = "refused", _("未准上车")
    ARRIVED = "arrived", _("已到达")
    RECEIVED = "received", _("已回执")


ATTESTATION_ALIASES = {str(c.label): c.value for c in AttestationKind} | {c.value: c.value for c in AttestationKind}
