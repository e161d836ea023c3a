"""convenor import FILE --dataset ID --mapping MAPPING.yaml --user USERNAME"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from convenor.core import access
from convenor.core.models import User
from convenor.threat import importing, services
from convenor.threat.models import Dataset, DatasetImport


class Command(BaseCommand):
    help = (
        "Import a partner file (CSV or XLSX) into a dataset, all or nothing, with a progress bar. "
        "The mapping file (YAML or JSON) names the column for each field, e.g. 'surname: Surname'. "
        "Re-importing the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dataset", type=int, required=True, help="The dataset's number")
        parser.add_argument(
            "--mapping",
            type=Path,
            help="YAML or JSON {field: column}; without it, the dataset's saved mapping",
        )
        parser.add_argument(
            "--user",
            required=True,
            help="Username of the analyst importing (the policy and the audit use it)",
        )

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"--user: no active user called {options['user']!r}")
        dataset = access.visible(user, Dataset.objects.all()).filter(pk=options["dataset"]).first()
        if dataset is None:
            raise CommandError(f"--dataset: no dataset {options['dataset']} that {user} can see")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"FILE: {path} is not a file")
        max_bytes, _, _ = importing.limits()
        if path.stat().st_size > max_bytes:
            raise CommandError(
                f"FILE: {path} is larger than {max_bytes // (1024 * 1024)} MB "
                "(CONVENOR_IMPORT_MAX_BYTES)"
            )
        if options["mapping"]:
            try:
                mapping = importing.parse_mapping_document(options["mapping"].read_text("utf-8"))
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(
                    f"--mapping: cannot read {options['mapping']}: {error}"
                ) from error
            except importing.ImportFileError as error:
                raise CommandError(f"--mapping: {error}") from error
        else:
            mapping = dataset.column_mapping
            if not mapping:
                raise CommandError("--mapping: the dataset has no saved mapping; give one")

        bar = tqdm(total=0, unit="rows", desc=f"Checking {path.name}", file=self.stderr._out)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            job = services.import_file(
                user, dataset, path.name, path.read_bytes(), mapping, progress=progress
            )
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError("--mapping: " + "; ".join(error.messages)) from error
        except importing.ImportFileError as error:
            raise CommandError(f"FILE: {error}") from error
        finally:
            bar.close()
        if job.status == DatasetImport.Status.DONE:
            self.stdout.write(self.style.SUCCESS(f"Import {job.pk}: {job.message or 'done'}"))
            return
        for problem in job.rejected_rows:
            column = problem["column"] or "(whole row)"
            self.stderr.write(f"row {problem['row']}, {column}: {problem['reason']}")
        raise CommandError(f"Import {job.pk}: {job.message}")
