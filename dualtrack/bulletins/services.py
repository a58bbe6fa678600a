"""Generating, storing, signing off and delivering bulletins; the durable job queue that runs them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dualtrack.core import audit, background, dates, notifications, policy
from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, AuditAction, NoticeKind
from dualtrack.core.dates import SHANGHAI
from dualtrack.core.lazy import lazy

from . import content
from .content import Section, SectionBuilder, SectionContext, Table, md, register_section
from .models import BulletinStatus, Channel, Job, JobStatus, StoredBulletin, Subscription
from .policy import tends_the_queue

if TYPE_CHECKING:
    from . import render
else:
    render = lazy("dualtrack.bulletins.render")

# The extension points other apps use (a section builder, its context and its answer) and this module's own.
__all__ = ["Section", "SectionBuilder", "SectionContext", "Table", "document_files", "document_html", "md", "print_pdf",
           "register_section"]


def _document(day: dt.date, title: str, sections: list[Section], rules_version: str,
              masthead: dict[str, Any] | None) -> content.Bulletin:
    head = content.Masthead(**masthead) if masthead else content.masthead()
    return content.Bulletin(day=day, title=title, rules_version=rules_version, sections=sections, figures={},
                            masthead=head)


def document_files(day: dt.date, title: str, sections: list[Section], rules_version: str,
                   masthead: dict[str, Any] | None = None) -> dict[str, bytes]:
    """Another app's report (the economy's monthly report) in the bulletin's layout: Word after GB/T 9704 with
    the red header, and Excel with a sheet per table. ``masthead`` as :meth:`masthead_dict` gives it."""
    document = _document(day, title, sections, rules_version, masthead)
    return {"docx": render.docx(document, []), "xlsx": render.xlsx(document)}


def document_html(day: dt.date, title: str, sections: list[Section], rules_version: str,
                  masthead: dict[str, Any] | None = None) -> str:
    return render.html(_document(day, title, sections, rules_version, masthead))


def masthead_dict() -> dict[str, Any]:
    """The issuing body and distribution of the settings, as stored with a report."""
    return content.masthead().as_dict()
logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def _files(bulletin: content.Bulletin, *, pdf: bool = True) -> dict[str, bytes | None]:
    pictures = render.figures_for(bulletin)  # drawn once for the Word and the PDF file
    files: dict[str, bytes | None] = {"docx": render.docx(bulletin, pictures), "xlsx": render.xlsx(bulletin),
                                      "pdf": None}
    if pdf:
        try:
            files["pdf"] = render.pdf(bulletin, pictures)
        except render.PdfUnavailable:
            files["pdf"] = None  # shown as missing; Word and Excel are still there
    return files


@transaction.atomic
def generate(day: dt.date, actor: Actor | None) -> StoredBulletin:
    """Compute the bulletin of ``day`` now (the cut-off) and store its numbers, text and files. A released
    bulletin is never replaced."""
    if actor is not None:  # None: the scheduled run of the worker
        policy.authorize_create(actor, StoredBulletin, Action.ADD)
    existing = StoredBulletin.objects.select_for_update().filter(date=day).first()
    if existing is not None and existing.status == BulletinStatus.RELEASED:
        raise ValidationError({"date": _("该日通报已签发，不能重新生成")})
    bulletin = content.build(day)
    files = _files(bulletin, pdf=False)  # the PDF (a browser printing it, seconds) is rendered by a job
    stored = existing or StoredBulletin(date=day)
    stored.content = json.loads(json.dumps(bulletin.as_dict(), ensure_ascii=False, default=str))
    stored.rules_version, stored.generated_at = bulletin.rules_version, dates.real_now()  # machinery: staleness, job keys
    stored.generated_clock_at = dates.set_clock()
    stored.docx, stored.xlsx, stored.pdf = files["docx"], files["xlsx"], files["pdf"]
    stored.digests = {k: hashlib.sha256(v).hexdigest() for k, v in files.items() if v is not None}
    stored.save()
    audit.record(actor, AuditAction.CREATE if existing is None else AuditAction.UPDATE, stored,
                 after={"date": day.isoformat(), "rules_version": stored.rules_version, "figures": bulletin.figures})
    job = enqueue("pdf", f"{day.isoformat()}@{stored.generated_at.isoformat()}", {"bulletin": stored.pk})
    transaction.on_commit(lambda: start(job.pk))
    return stored


def pdf_pending(stored: StoredBulletin) -> bool:
    """The stored bulletin's PDF is still being rendered (a job is queued for it)."""
    return not stored.pdf and Job.objects.filter(kind="pdf", status=JobStatus.PENDING,
                                                 key__startswith=f"{stored.date.isoformat()}@").exists()


def _render_pdf(payload: dict[str, Any]) -> None:
    """Print the stored bulletin's PDF from its stored content (the same numbers as its Word and Excel)."""
    stored = StoredBulletin.objects.filter(pk=payload["bulletin"]).first()
    if stored is None or stored.pdf:
        return
    try:
        data = render.pdf(content.from_dict(stored.content))
    except render.PdfUnavailable:
        return  # no browser on this machine: the PDF stays missing, Word and Excel are there
    digests = dict(stored.digests, pdf=hashlib.sha256(data).hexdigest())
    # Only if the bulletin is still what was printed: not regenerated, not signed off in the meantime.
    StoredBulletin.objects.filter(pk=stored.pk, generated_at=stored.generated_at, status=stored.status,
                                  pdf__isnull=True).update(pdf=data, digests=digests)


PRINT_KIND = "bulletins.pdf"


def print_pdf(user: Viewer, params: dict[str, Any]) -> bytes:
    """A day's bulletin printed on request (``core.exportjobs`` print job, in a print slot): the stored
    bulletin's content when there is one, else the bulletin made now from the day's stored picture."""
    policy.authorize_create(user, StoredBulletin, Action.VIEW)
    day = dt.date.fromisoformat(params["date"])
    stored = StoredBulletin.objects.filter(date=day).defer("docx", "xlsx", "pdf").first()
    return render.pdf(content.build(day) if stored is None else content.from_dict(stored.content))


def start(job_id: int) -> None:
    """Run one queued job now in a thread of this process (the worker picks it up if the process stops)."""
    background.in_thread(f"bulletin-job-{job_id}", run_job, job_id)


@transaction.atomic
def sign_off(stored: StoredBulletin, actor: Actor) -> StoredBulletin:
    """HQ signs off (签发): the bulletin is released and every active subscription gets a delivery job."""
    policy.authorize(actor, stored, Action.PUBLISH)
    locked = StoredBulletin.objects.select_for_update().get(pk=stored.pk)
    if locked.status == BulletinStatus.RELEASED:
        return locked
    locked.status, locked.signed_off_by, locked.released_at = BulletinStatus.RELEASED, actor, dates.now()
    # 第X期 and 签发人 go into the released files: what is pushed is what was signed.
    year = locked.date.year
    last = StoredBulletin.objects.filter(status=BulletinStatus.RELEASED, date__year=year).aggregate(
        n=Max("issue_number"))["n"] or 0
    locked.issue_number = last + 1
    bulletin = content.from_dict(locked.content)
    bulletin.masthead = bulletin.masthead or content.masthead()
    bulletin.masthead.number, bulletin.masthead.year = locked.issue_number, year
    bulletin.masthead.signer = str(actor)
    bulletin.masthead.released_on = timezone.localdate(locked.released_at).isoformat()
    locked.content = json.loads(json.dumps(bulletin.as_dict(), ensure_ascii=False, default=str))
    files = _files(bulletin, pdf=False)
    locked.docx, locked.xlsx, locked.pdf = files["docx"], files["xlsx"], None
    locked.digests = {k: hashlib.sha256(v).hexdigest() for k, v in files.items() if v is not None}
    locked.save(update_fields=["status", "signed_off_by", "released_at", "issue_number", "content", "docx", "xlsx",
                               "pdf", "digests"])
    job = enqueue("pdf", f"{locked.date.isoformat()}@released", {"bulletin": locked.pk})
    transaction.on_commit(lambda: start(job.pk))
    audit.record(actor, AuditAction.UPDATE, locked, before={"status": BulletinStatus.DRAFT},
                 after={"status": BulletinStatus.RELEASED, "issue_number": locked.issue_number})
    for subscription in Subscription.objects.filter(active=True):
        enqueue("deliver", f"{locked.date.isoformat()}:{subscription.pk}",
                {"bulletin": locked.pk, "subscription": subscription.pk})
    return locked


# --- the job queue ------------------------------------------------------------------------------


def enqueue(kind: str, key: str, payload: dict[str, Any], when: dt.datetime | None = None) -> Job:
    job, _created = Job.objects.get_or_create(kind=kind, key=key, defaults={
        "payload": payload, "next_attempt_at": when or dates.real_now()})
    return job


def schedule_daily(now: dt.datetime | None = None) -> Job | None:
    """Queue today's bulletin (of yesterday, Asia/Shanghai) for the configured time, once."""
    now = now or dates.now()
    local = now.astimezone(SHANGHAI)
    hour, minute = (int(part) for part in getattr(settings, "BULLETIN_TIME", "08:00").split(":"))
    at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    day = (local - dt.timedelta(days=1)).date()
    return enqueue("generate", day.isoformat(), {"date": day.isoformat()}, at)


def keep_drafts_current() -> list[str]:
    """The data-as-of day has a draft, and every draft is regenerated once its day's picture has been
    recomputed (a late import); a released bulletin is never touched."""
    from dualtrack.core import versions
    from dualtrack.resumption import services as resumption

    done = []
    as_of = versions.as_of().day
    if as_of is not None and not StoredBulletin.objects.filter(date=as_of).exists():
        generate(as_of, None)
        done.append(as_of.isoformat())
    for day, generated_at in StoredBulletin.objects.filter(status=BulletinStatus.DRAFT).values_list(
            "date", "generated_at"):
        computed = resumption.picture_computed_at(day)
        if computed is not None and computed > generated_at:
            generate(day, None)
            done.append(day.isoformat())
    return done


def _deliver(payload: dict[str, Any]) -> None:
    stored = StoredBulletin.objects.get(pk=payload["bulletin"])
    subscription = Subscription.objects.select_related("user").get(pk=payload["subscription"])
    title = stored.content["title"]
    summary = "\n".join(p for s in stored.content["sections"][:2] for p in s["paragraphs"][:1])
    path = f"/bulletins/stored/{stored.date.isoformat()}/"
    link = notifications.absolute_url(path)
    if subscription.channel == Channel.IN_APP:
        if subscription.user is not None:
            notifications.notify([subscription.user], title, path, kind=NoticeKind.BULLETIN)
    elif subscription.channel == Channel.EMAIL:
        send_mail(title, f"{summary}\n\n{link}", None, [subscription.target])
    elif subscription.channel == Channel.DINGTALK:
        _post(subscription.target, {"msgtype": "markdown", "markdown": {
            "title": title, "text": f"### {title}\n\n{summary}\n\n[查看通报]({link})"}})
    elif subscription.channel == Channel.WECOM:
        _post(subscription.target, {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{summary}\n[查看通报]({link})"}})


def _post(url: str, body: dict[str, Any]) -> None:
    """POST a robot message; a non-2xx answer or an ``errcode`` other than 0 is a failure (retried)."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) webhook: {url}")
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode(),  # noqa: S310
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - http(s) only, checked above
        answer = json.loads(response.read() or b"{}")
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"robot answered {answer}")


def _generate(payload: dict[str, Any]) -> None:
    generate(dt.date.fromisoformat(payload["date"]), None)


HANDLERS: dict[str, Callable[[dict[str, Any]], None]] = {"generate": _generate, "deliver": _deliver,
                                                        "pdf": _render_pdf}


def run_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Run every due job once. A job is claimed only if it is still pending with the attempt count that
    was read (a concurrent worker loses the race); failures back off and, after MAX_ATTEMPTS, stay failed
    for HQ to see."""
    now = now or dates.real_now()
    counts = {"done": 0, "retry": 0, "failed": 0}
    for job in list(Job.objects.filter(status=JobStatus.PENDING, next_attempt_at__lte=now)):
        outcome = _run_one(job, now)
        if outcome:
            counts[outcome] += 1
    return counts


def run_job(job_id: int, now: dt.datetime | None = None) -> str | None:
    job = Job.objects.filter(pk=job_id, status=JobStatus.PENDING).first()
    return _run_one(job, now or dates.real_now()) if job is not None else None


def _run_one(job: Job, now: dt.datetime) -> str | None:
    """Run ``job`` if it is still pending with the attempt count that was read; "done", "retry", "failed"
    or None (another runner has it)."""
    claimed = Job.objects.filter(pk=job.pk, status=JobStatus.PENDING, attempts=job.attempts).update(
        attempts=job.attempts + 1, next_attempt_at=now + dt.timedelta(minutes=10))
    if not claimed:
        return None
    try:
        HANDLERS[job.kind](job.payload)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
        logger.warning("job %s failed: %s", job, exc)
        attempts = job.attempts + 1
        failed = attempts >= MAX_ATTEMPTS
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED if failed else JobStatus.PENDING, last_error=str(exc)[:2000],
            next_attempt_at=now + dt.timedelta(minutes=2 ** attempts))
        return "failed" if failed else "retry"
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, last_error="")
    return "done"


def retry(job: Job, actor: Actor) -> None:
    """HQ sends a failed job back to the queue."""
    if not tends_the_queue(actor):
        raise PermissionDenied
    Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(status=JobStatus.PENDING, attempts=0,
                                                                  next_attempt_at=dates.real_now())
    audit.record(actor, AuditAction.UPDATE, job, before={"status": "failed"}, after={"status": "pending"})
