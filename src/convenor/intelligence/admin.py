"""Back office for intelligence: reporting channels only. Reports and anonymous reports are
never edited in the back office; they change only through the services, which audit them."""

from django.contrib import admin

from convenor.core import access
from convenor.core.admin import PolicyAdmin, admin_site
from convenor.core.models import Organisation, Role

from .models import ReportingChannel


@admin.register(ReportingChannel, site=admin_site)
class ReportingChannelAdmin(PolicyAdmin):
    list_display = ["name", "kind", "receiving_organisation", "retention_days", "active"]
    list_filter = ["kind", "active"]
    fields = [
        "name",
        "slug",
        "kind",
        "introduction",
        "receiving_organisation",
        "retention_days",
        "active",
        "destroyed_count",
    ]
    readonly_fields = ["destroyed_count"]
    prepopulated_fields = {"slug": ["name"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "receiving_organisation":
            s = access.standing(request.user)
            organisations = Organisation.objects.all()
            if not s.superuser:
                organisations = organisations.filter(
                    pk__in=s.organisations_with_role(Role.PARTNERSHIP_ADMINISTRATOR)
                )
            kwargs["queryset"] = organisations
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
