"""The GOV.UK form renderer (``FORM_RENDERER``): ``{{ form.x.as_field_group }}`` renders a field
as a GOV.UK form group (label, hint, errors, input/textarea/select/radios/checkboxes) with
``govuk/field.html``, and ``{{ form }}`` renders every field so. Templates come from the
project's TEMPLATES setting, so ``includes/field.html`` and the renderer share one template."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"
