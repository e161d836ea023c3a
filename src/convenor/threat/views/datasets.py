"""Pages of datasets and their imports: add a dataset, upload a file, map its columns, follow the
import. Datasets are known to the ISA's parties; imports are the holder's business."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from convenor.core import access
from convenor.core.access import Action
from convenor.core.form_view import form_view
from convenor.core.views import staff_page

from .. import importing, selectors, services
from ..forms import DatasetForm, MappingForm, UploadForm
from ..models import Dataset, DatasetImport

PAGE_SIZE = 50


@staff_page
def dataset_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "threat/dataset_list.html",
        {
            "datasets": selectors.visible_datasets(request.user),
            "can_add": access.can(request.user, Action.CREATE, model=Dataset),
        },
    )


@staff_page
def dataset_create(request: HttpRequest) -> HttpResponse:
    services.require_add_dataset(request.user)
    return form_view(
        request,
        DatasetForm,
        form_kwargs={"user": request.user},
        save=lambda form: services.create_dataset(request.user, dict(form.cleaned_data)),
        template="threat/dataset_form.html",
        success_url=lambda dataset: reverse("threat:upload", args=[dataset.pk]),
        success_message=lambda dataset: f"Dataset “{dataset.title}” added. Now import its file.",
    )


@staff_page
def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = selectors.dataset_or_404(request.user, pk)
    page, record_count = services.read_dataset(
        request.user, dataset, request.GET.get("page"), PAGE_SIZE
    )
    return render(
        request,
        "threat/dataset_detail.html",
        {
            "dataset": dataset,
            "page": page,
            "imports": selectors.recent_imports(request.user, dataset),
            "can_import": access.can(request.user, Action.CHANGE, dataset),
            "record_count": record_count,
        },
    )


@staff_page
def dataset_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """The dataset's saved column mapping as YAML, for `convenor import --mapping`."""
    dataset = selectors.dataset_or_404(request.user, pk)
    if not access.can(request.user, Action.CHANGE, dataset) or not dataset.column_mapping:
        raise Http404("Not found")
    response = HttpResponse(
        importing.mapping_document(dataset.pk, dataset.column_mapping),
        content_type="application/yaml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="dataset-{dataset.pk}-mapping.yaml"'
    return response


def _store_upload(request: HttpRequest, dataset: Dataset, form: UploadForm) -> DatasetImport:
    uploaded = form.cleaned_data["file"]
    try:
        return services.upload_file(request.user, dataset, uploaded.name, uploaded.read())
    except importing.ImportFileError as problem:  # a file Convenor cannot read: said on the field
        raise ValidationError({"file": str(problem)}) from problem


def _already_imported(job: DatasetImport) -> str:
    if job.status == DatasetImport.Status.DONE:
        return "This file was already imported into the dataset: nothing changed"
    return ""


@staff_page
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = selectors.dataset_or_404(request.user, pk)
    services.require_import(request.user, dataset)
    return form_view(
        request,
        UploadForm,
        save=lambda form: _store_upload(request, dataset, form),
        template="threat/upload.html",
        context={"dataset": dataset},
        success_url=lambda job: (
            job
            if job.status == DatasetImport.Status.DONE
            else reverse("threat:mapping", args=[dataset.pk, job.pk])
        ),
        success_message=_already_imported,
    )


@staff_page
def mapping(request: HttpRequest, pk: int, import_pk: int) -> HttpResponse:
    job = selectors.import_or_404(request.user, pk, import_pk)
    if job.status != DatasetImport.Status.UPLOADED:
        return redirect(job)
    services.require_import(request.user, job.dataset)
    table = services.read_upload(job)
    return form_view(
        request,
        MappingForm,
        form_kwargs={
            "headers": table.headers,
            "initial_mapping": importing.starting_mapping(
                job.dataset.column_mapping, table.headers
            ),
        },
        save=lambda form: services.start_import(request.user, job, form.mapping()),
        template="threat/mapping.html",
        context={
            "dataset": job.dataset,
            "job": job,
            "headers": table.headers,
            "preview": [
                [row.get(h, "") for h in table.headers] for row in importing.iter_preview(table)
            ],
        },
    )


@staff_page
def import_detail(request: HttpRequest, pk: int, import_pk: int) -> HttpResponse:
    job = services.view_import(request.user, selectors.import_or_404(request.user, pk, import_pk))
    return render(request, "threat/import_detail.html", {"job": job, "dataset": job.dataset})


@staff_page
def import_progress(request: HttpRequest, pk: int, import_pk: int) -> JsonResponse:
    """What the import page's script polls (the page also works by reloading)."""
    job = selectors.import_or_404(request.user, pk, import_pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "percent": job.percent,
            "processed_rows": job.processed_rows,
            "total_rows": job.total_rows,
            "finished": job.is_finished,
        }
    )
