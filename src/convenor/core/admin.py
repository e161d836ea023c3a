"""The back office. It goes through the same policy: the site admits only users the policy lets
administer, and every model admin sees and changes only what ``access`` allows."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from . import access, audit
from .models import (
    Area,
    AuditEntry,
    InformationSharingAgreement,
    Membership,
    Organisation,
    Partnership,
    Signatory,
    User,
)
from .reauth import RecentAuthenticationAdminMixin


class ConvenorAdminSite(admin.AdminSite):
    site_header = "Convenor back office"
    site_title = "Convenor back office"
    login_form = AdminAuthenticationForm

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_authenticated
            and user.is_verified()
            and access.can(user, access.Action.ADMINISTER)
        )

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def refuse_or_serve(request, *args, **kwargs):
            user = request.user
            if user.is_authenticated and user.is_verified() and not self.has_permission(request):
                raise PermissionDenied("The back office is for partnership administrators")
            return inner(request, *args, **kwargs)

        return update_wrapper(refuse_or_serve, view)

    def login(self, request, extra_context=None):
        # One way in: Convenor's own sign-in, with its second factor and lockout. A signed-in user
        # the policy does not let administer is refused, not sent round to sign in again.
        if request.user.is_authenticated and request.user.is_verified():
            raise PermissionDenied("The back office is for partnership administrators")
        return redirect(f"{reverse('core:login')}?next={request.GET.get('next', '/admin/')}")


admin_site = ConvenorAdminSite(name="admin")


class PolicyAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return access.visible(request.user, super().get_queryset(request))

    def has_module_permission(self, request) -> bool:
        return access.can(request.user, access.Action.ADMINISTER)

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is None:
            return access.can(request.user, access.Action.ADMINISTER)
        return access.can(request.user, access.Action.VIEW, obj)

    def has_add_permission(self, request) -> bool:
        return access.can(request.user, access.Action.CREATE, model=self.model)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return access.can(request.user, access.Action.CHANGE, model=self.model)
        return access.can(request.user, access.Action.CHANGE, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is None:
            return access.can(request.user, access.Action.DELETE, model=self.model)
        return access.can(request.user, access.Action.DELETE, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            "changed_in_admin" if change else "created_in_admin",
            actor=request.user,
            obj=obj,
            detail={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        audit.record("deleted_in_admin", actor=request.user, obj=obj)
        super().delete_model(request, obj)


@admin.register(Area, site=admin_site)
class AreaAdmin(PolicyAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(PolicyAdmin):
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User, site=admin_site)
class PersonAdmin(RecentAuthenticationAdminMixin, PolicyAdmin):  # grants roles (inline)
    list_display = ["username", "first_name", "last_name", "job_title", "is_active"]
    search_fields = ["username", "first_name", "last_name"]
    fields = ["username", "first_name", "last_name", "email", "job_title", "is_active"]
    inlines = [MembershipInline]


@admin.register(Partnership, site=admin_site)
class PartnershipAdmin(PolicyAdmin):
    list_display = ["name", "lead_organisation"]
    filter_horizontal = ["organisations", "areas"]


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0


@admin.register(InformationSharingAgreement, site=admin_site)
class AgreementAdmin(PolicyAdmin):
    list_display = ["title", "partnership", "starts_on", "review_date"]
    inlines = [SignatoryInline]


@admin.register(AuditEntry, site=admin_site)
class AuditEntryAdmin(PolicyAdmin):
    list_display = ["id", "at", "actor_username", "action", "object_type", "object_repr"]
    list_filter = ["action"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
