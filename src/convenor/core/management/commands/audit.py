from django.core.management.base import BaseCommand, CommandError

from convenor.core import audit


class Command(BaseCommand):
    help = (
        "Audit chain operations. 'verify' checks every hash, link and id and the chain against the "
        "signed checkpoints, naming what is missing or altered (exit 1); 'checkpoint' appends a "
        "signed checkpoint of the chain's head to the configured places."
    )

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["verify", "checkpoint"])

    def handle(self, *args, operation, **options):
        if operation == "checkpoint":
            self._checkpoint()
        else:
            self._verify()

    def _checkpoint(self) -> None:
        try:
            checkpoint = audit.write_checkpoint()
        except audit.CheckpointError as problem:
            raise CommandError(f"Checkpoint not written: {problem}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint written to {audit.checkpoint_file()}: {checkpoint.entries} entries "
                f"up to entry {checkpoint.head_id}."
            )
        )

    def _verify(self) -> None:
        result = audit.verify_and_record()
        for note in result.notes:
            self.stderr.write(f"Note: {note}.")
        if not result.ok:
            lines = "\n".join(f"- {problem}" for problem in result.problems)
            raise CommandError(
                f"Audit chain NOT intact ({result.entries} entries, {result.checkpoints} "
                f"signed checkpoints checked):\n{lines}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {result.entries} entries verified, consistent with "
                f"{result.checkpoints} signed checkpoints."
            )
        )
