from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from convenor.groups.scoring import ScoringModel, ScoringModelError
from convenor.groups.services import scoring_model_path


class Command(BaseCommand):
    help = (
        "Check a scoring model for organised crime groups (the configured one, or --file) and "
        "print its inputs, bands and a worked example. Exits 1 naming what is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", help="A scoring model YAML to check instead")

    def handle(self, *args, **options):
        path = Path(options["file"]) if options["file"] else scoring_model_path()
        try:
            model = ScoringModel.from_yaml(path)
        except ScoringModelError as problem:
            raise CommandError(str(problem)) from None
        write = self.stdout.write
        write(f"{model.title}, version {model.version} ({path})")
        write("Inputs:")
        for name, scale in model.input_scales.items():
            write(
                f"  {name:<22} {scale.minimum}-{scale.maximum}  weight {scale.weight}  "
                f"{scale.label}"
            )
        write(f"Highest possible raw total: {model.raw_max}")
        write("Bands: " + "; ".join(f"{b.label} from {b.min_score}" for b in model.bands))
        middle = {
            name: (scale.minimum + scale.maximum) // 2 for name, scale in model.input_scales.items()
        }
        result = model.score(middle)
        b = result.breakdown
        write(
            f"Example, every input at its middle value: impact {b.impact} x likelihood = harm "
            f"{b.harm}; + capability {b.capability} + intent {b.intent} = {b.raw} of {b.raw_max}"
            f" -> score {result.score}, {result.band.label}"
        )
