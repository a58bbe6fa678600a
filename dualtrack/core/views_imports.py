"""Upload pages: one per dataset, for the roles allowed to import it."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from .actors import actor_of
from .choices import AuditAction
from .imports import get_dataset, registered_datasets, run_import
from .imports.base import Dataset, describe_columns
from .imports.readers import FileFormatError, Limits, check_name, check_size
from .imports.template import template_xlsx
from .models import AuditLog


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("数据文件(.xlsx 或 .csv)"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        try:  # the rule run_import applies for the API and the CLI too, said here beside the field
            check_name(upload.name)
            check_size(upload.file, Limits.from_settings())
        except FileFormatError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


def _dataset_for(request: HttpRequest, name: str) -> Dataset:
    dataset = get_dataset(name)
    if dataset is None or not dataset.can_import(request.user):
        raise Http404
    return dataset


@login_required
def import_index(request: HttpRequest) -> HttpResponse:
    datasets = [d for d in registered_datasets() if d.can_import(request.user)]
    recent = AuditLog.objects.filter(actor_id=request.user.pk, action=AuditAction.IMPORT)[:20]
    return render(request, "core/import_index.html", {"datasets": datasets, "recent": recent})


@login_required
def import_upload(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_for(request, name)
    result = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = run_import(dataset, upload.file, upload.name, actor_of(request))
            if result.ok:
                form = UploadForm()
    else:
        form = UploadForm()
    status = 422 if result is not None and not result.ok else 200
    return render(request, "core/import_upload.html", {
        "dataset": dataset, "form": form, "result": result, "columns": list(describe_columns(dataset)),
    }, status=status)


@login_required
def import_template(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_for(request, name)
    response = HttpResponse(
        template_xlsx(dataset), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{dataset.name}-template.xlsx"'
    return response
