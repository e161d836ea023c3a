"""Back office for the groups app's taxonomies (operators add or reword threat areas there).
Groups, members and assessments are changed on Convenor's own pages, through the services."""

from django.contrib import admin

from convenor.core.admin import PolicyAdmin, admin_site

from .models import HarmCharacteristic, ThreatArea


@admin.register(ThreatArea, site=admin_site)
class ThreatAreaAdmin(PolicyAdmin):
    list_display = ["name", "code", "position"]
    ordering = ["position", "name"]


@admin.register(HarmCharacteristic, site=admin_site)
class HarmCharacteristicAdmin(PolicyAdmin):
    list_display = ["name", "code", "position"]
    ordering = ["position", "name"]
