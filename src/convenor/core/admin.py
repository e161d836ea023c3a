"""The back office. It goes through the same policy: the site admits only users the policy lets
administer, and every model admin sees and changes only what ``access`` allows."""

import copy
from functools import update_wrapper

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import construct_instance
from django.shortcuts import redirect
from django.urls import reverse

from . import access, audit, services
from .models import (
    Area,
    AuditEntry,
    InformationSharingAgreement,
    Membership,
    Organisation,
    Partnership,
    PartnershipInvitation,
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


class PolicyModelForm(forms.ModelForm):
    """Every back-office form, inline rows included: the policy decides on the object as it
    would be saved (fields and many-to-many values from the posted data), so a refusal is a form
    error and nothing is saved."""

    policy_user = None  # set per request by PolicyAdmin.get_form / PolicyInline.get_formset

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("DELETE"):
            if self.instance.pk and not access.can(
                self.policy_user, access.Action.DELETE, self.instance
            ):
                raise ValidationError("You may not delete this")
            return cleaned
        creating = self.instance._state.adding
        if not creating and not self.has_changed():
            return cleaned
        candidate = construct_instance(
            self, copy.copy(self.instance), self._meta.fields, self._meta.exclude
        )
        m2m = {
            field.name: cleaned[field.name]
            for field in candidate._meta.many_to_many
            if field.name in cleaned
        }
        reasons = access.save_refusals(self.policy_user, candidate, creating=creating, m2m=m2m)
        for field, why in reasons.items():
            self.add_error(field if field in self.fields else None, why)
        return cleaned


class PolicyFormsMixin:
    """Choices list only what ``access.visible`` allows (a forged id fails validation), and
    every form goes through :class:`PolicyModelForm`."""

    form = PolicyModelForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            related = db_field.remote_field.model._default_manager.all()
            kwargs["queryset"] = access.visible(request.user, related)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            related = db_field.remote_field.model._default_manager.all()
            kwargs["queryset"] = access.visible(request.user, related)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        return access.visible(request.user, super().get_queryset(request))


def _for_user(form_class, user):
    return type(form_class.__name__, (form_class,), {"policy_user": user})


class PolicyInline(PolicyFormsMixin, admin.TabularInline):
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _for_user(formset.form, request.user)
        return formset

    def has_view_permission(self, request, obj=None) -> bool:
        return access.can(request.user, access.Action.ADMINISTER)

    def has_add_permission(self, request, obj=None) -> bool:
        return access.can(request.user, access.Action.CREATE, model=self.model)

    def has_change_permission(self, request, obj=None) -> bool:
        return access.can(request.user, access.Action.CHANGE, model=self.model)

    def has_delete_permission(self, request, obj=None) -> bool:
        return access.can(request.user, access.Action.DELETE, model=self.model)


class PolicyAdmin(PolicyFormsMixin, admin.ModelAdmin):
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return _for_user(form, request.user)

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


class ReadOnlyPolicyAdmin(PolicyAdmin):
    """Seen through the policy, never added, changed or deleted here: the records the services
    alone write (invitations, decided through actions) and the append-only audit chain."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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


class MembershipInline(PolicyInline):
    model = Membership


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


class SignatoryInline(PolicyInline):
    model = Signatory


@admin.register(InformationSharingAgreement, site=admin_site)
class AgreementAdmin(PolicyAdmin):
    list_display = ["title", "partnership", "starts_on", "review_date"]
    inlines = [SignatoryInline]


@admin.register(PartnershipInvitation, site=admin_site)
class InvitationAdmin(ReadOnlyPolicyAdmin):
    """Invitations are sent from the partnership's page and decided here or on the account
    page, always through the services (only the invited organisation's administrators)."""

    list_display = ["partnership", "organisation", "invited_by", "invited_at", "status"]
    readonly_fields = [f.name for f in PartnershipInvitation._meta.fields]
    actions = ["accept", "decline"]

    def _decide(self, request, queryset, accept: bool):
        for invitation in queryset.filter(accepted__isnull=True):
            try:
                services.decide_invitation(request.user, invitation, accept=accept)
            except (PermissionDenied, ValidationError) as problem:
                self.message_user(request, f"{invitation}: {problem}", level="error")

    @admin.action(description="Accept the selected invitations")
    def accept(self, request, queryset):
        self._decide(request, queryset, accept=True)

    @admin.action(description="Decline the selected invitations")
    def decline(self, request, queryset):
        self._decide(request, queryset, accept=False)


@admin.register(AuditEntry, site=admin_site)
class AuditEntryAdmin(ReadOnlyPolicyAdmin):
    list_display = ["id", "at", "actor_username", "action", "object_type", "object_repr"]
    list_filter = ["action"]
