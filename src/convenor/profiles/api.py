"""The REST API of SOC local profiles (/api/v1/local-profiles/, local-profile-versions/,
profile-public-summaries/). Querysets come from ``access.visible``, object permissions from
``access.can``, builds from :mod:`convenor.profiles.services`. Reading a version's figures is
audited like the page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from convenor.core import access
from convenor.core.access import Action
from convenor.core.api import PolicyViewSetMixin

from . import selectors, services
from .models import Profile, ProfileVersion, PublicSummary


class VersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProfileVersion
        fields = [
            "id",
            "number",
            "period",
            "status",
            "progress",
            "stage",
            "response_level",
            "requested_at",
            "built_at",
        ]


class ProfileSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    owner_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    versions = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = ["id", "title", "partnership", "owner_organisation", "areas", "versions"]

    def get_versions(self, profile: Profile) -> list[dict]:
        versions = getattr(profile, "seen_versions", None)
        if versions is None:  # not fetched with selectors.profiles_with_versions
            request = self.context["request"]
            versions = access.visible(request.user, profile.versions.all()).order_by("number")
        return VersionSummarySerializer(versions, many=True).data


class VersionSerializer(VersionSummarySerializer):
    profile = serializers.PrimaryKeyRelatedField(read_only=True)
    figures = serializers.SerializerMethodField()

    class Meta(VersionSummarySerializer.Meta):
        fields = [*VersionSummarySerializer.Meta.fields, "profile", "error", "figures"]

    def get_figures(self, version) -> dict:
        """As the requester may read them: group-derived facts only for groups they may see."""
        return selectors.figures_for_reader(self.context["request"].user, version.figures)


class BuildSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=20, help_text="A quarter, e.g. 2025Q4")


class PublicSummarySerializer(serializers.ModelSerializer):
    figures = serializers.JSONField(source="public_figures", read_only=True)

    class Meta:
        model = PublicSummary
        fields = ["id", "version", "prepared_at", "published_at", "figures"]


class BoundedIdMixin:
    """An id in the path that no database id can hold is simply not found (never a 500)."""

    def get_object(self):
        lookup = self.kwargs.get(self.lookup_field)
        if not str(lookup).isdigit() or int(lookup) > 2**63 - 1:
            raise Http404
        return super().get_object()


class ProfileViewSet(BoundedIdMixin, PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """SOC local profiles the user may see, with their versions."""

    base_queryset = Profile.objects.select_related(
        "partnership", "owner_organisation"
    ).prefetch_related("areas")
    serializer_class = ProfileSerializer

    def get_queryset(self):
        return selectors.profiles_with_versions(self.request.user)

    @extend_schema(request=BuildSerializer, responses={202: VersionSummarySerializer})
    @action(detail=True, methods=["post"])
    def build(self, request, pk=None):
        """Build a new version for a period; it runs in the background (follow its status)."""
        profile = self.get_object()
        if not access.can(request.user, Action.CHANGE, profile):
            raise DjangoPermissionDenied(
                "Only analysts and partnership administrators of the owning organisation build it"
            )
        serializer = BuildSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            version = services.request_build(
                request.user, profile, serializer.validated_data["period"]
            )
        except DjangoValidationError as problem:
            raise serializers.ValidationError(problem.message_dict) from problem
        return Response(VersionSummarySerializer(version).data, status=status.HTTP_202_ACCEPTED)


class ProfileVersionViewSet(BoundedIdMixin, PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Profile versions with their frozen figures (reading one is audited)."""

    base_queryset = ProfileVersion.objects.select_related("profile")
    serializer_class = VersionSerializer

    def retrieve(self, request, *args, **kwargs):
        version = self.get_object()
        if version.status == ProfileVersion.Status.BUILT:
            services.read_version(request.user, version, how="read_api")
        return Response(self.get_serializer(version).data)

    def get_serializer_class(self):
        return VersionSummarySerializer if self.action == "list" else VersionSerializer


class PublicSummaryViewSet(BoundedIdMixin, PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Public summaries: published ones, and unpublished ones of profiles the user may see."""

    base_queryset = PublicSummary.objects.all()
    serializer_class = PublicSummarySerializer
