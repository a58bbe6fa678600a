"""Attachments (附件): photos and PDFs, checked by their content, kept outside the web root."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dualtrack.core import audit, dates, policy
from dualtrack.core.actors import Actor, as_user
from dualtrack.core.choices import Action

from .choices import State
from .models import Attachment, Problem

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


ATTACHMENT_MAX_PIXELS = 50_000_000  # a small file may unpack to gigabytes of pixels (decompression bomb)


_SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf"))


def attachment_dir() -> Any:
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.ATTACHMENTS_ROOT)
    path.mkdir(parents=True, exist_ok=True)
    return path


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in _SIGNATURES if head.startswith(magic)), None)


def _check_content(data: bytes, content_type: str) -> None:
    from dualtrack.core import images

    if content_type.startswith("image/"):
        try:
            images.check(data, ATTACHMENT_MAX_PIXELS)
        except images.ImageRefused as exc:
            if exc.kind != "pixels":
                raise ValidationError({"file": _("图片文件已损坏或不是图片")}) from exc
            if exc.width:
                raise ValidationError({"file": _("图片尺寸过大（%(w)d×%(h)d 像素），上限 5000 万像素") % {
                    "w": exc.width, "h": exc.height}}) from exc
            raise ValidationError({"file": _("图片尺寸过大，上限 5000 万像素")}) from exc
    elif b"%%EOF" not in data[-2048:]:
        raise ValidationError({"file": _("PDF 文件不完整")})


@transaction.atomic
def attach(problem: Problem, upload: Any, actor: Actor) -> Attachment:
    """Keep a photo (JPEG/PNG) or PDF with a problem. The type is decided by the file's content, not its name
    or the browser's word; anything else, or more than 10 MB, is refused with the reason."""
    import hashlib
    import secrets

    policy.authorize(actor, problem, Action.CHANGE)
    if problem.state == State.CLOSED:
        raise ValidationError({"file": _("已销号的问题不能再添加附件")})
    size = getattr(upload, "size", None) or 0
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("文件过大（%(size).1f MB），上限 10 MB") % {"size": size / 1048576}})
    data = upload.read(ATTACHMENT_MAX_BYTES + 1)
    if len(data) > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("文件过大，上限 10 MB")})
    content_type = sniff(data[:16])
    if content_type is None:
        raise ValidationError({"file": _("只接受照片(JPG、PNG)和 PDF 文件")})
    _check_content(data, content_type)
    stored_name = secrets.token_hex(16)
    (attachment_dir() / stored_name).write_bytes(data)
    name = (getattr(upload, "name", "") or "attachment").replace("/", "_").replace("\\", "_")[-200:]
    attachment = Attachment.objects.create(problem=problem, name=name, content_type=content_type, size=len(data),
                                           sha256=hashlib.sha256(data).hexdigest(), stored_name=stored_name,
                                           uploaded_at=dates.now(), uploaded_by=as_user(actor))
    audit.record_change(actor, attachment, None)
    return attachment


def attachment_path(attachment: Attachment) -> Any:
    return attachment_dir() / attachment.stored_name


THUMBNAIL_PX = 480  # the longer side of a preview: sharp on a phone's two-column grid, a few dozen KB


def is_image(attachment: Attachment) -> bool:
    return attachment.content_type in ("image/jpeg", "image/png")


def thumbnail_path(attachment: Attachment) -> Any:
    """A photo's preview (JPEG, at most ``THUMBNAIL_PX`` on its longer side, turned upright by its EXIF
    orientation), made on first request and kept beside the photo; None for anything but a photo. The photo was
    checked at upload (a real image, at most 50 million pixels)."""
    import os
    import secrets

    from dualtrack.core import images

    if not is_image(attachment):
        return None
    source = attachment_path(attachment)
    folder = attachment_dir() / "thumbs"
    target = folder / f"{attachment.stored_name}.jpg"
    if target.exists() or not source.exists():
        return target if target.exists() else None
    folder.mkdir(exist_ok=True)
    partial = folder / f".{attachment.stored_name}.{secrets.token_hex(4)}.part"
    partial.write_bytes(images.preview_jpeg(source, THUMBNAIL_PX))
    os.replace(partial, target)  # two requests at once: each writes its own file, the last rename wins
    return target
