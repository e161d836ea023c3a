import datetime
from types import SimpleNamespace

import factory
from django.utils import timezone
from django.utils.text import slugify

from convenor.core.models import (
    Area,
    InformationSharingAgreement,
    LegalBasis,
    Membership,
    Organisation,
    Partnership,
    User,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Organisation.Kind.COUNCIL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "practitioner"
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    lead_organisation = factory.SubFactory(OrganisationFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationSharingAgreement

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Agreement {n}")
    purpose = "Preventing and disrupting serious and organised crime"
    legal_bases = factory.LazyFunction(lambda: [LegalBasis.CDA_S115])
    data_categories = "Nominals"
    retention = "MoPI"
    security = "OFFICIAL-SENSITIVE"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    review_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=100))


def lancashire_areas() -> SimpleNamespace:
    """Real ONS geography around Preston, made if missing: Preston and Chorley in Lancashire
    (county) and the Lancashire police force area, an abolished Lancashire district, and
    Birmingham in the West Midlands police force area (elsewhere)."""

    def area(code, name, kind, parent=None, **extra):
        return Area.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "parent": parent, **extra}
        )[0]

    county = area("E10000017", "Lancashire", "utla")
    preston = area("E07000123", "Preston", "ltla", county)
    chorley = area("E07000118", "Chorley", "ltla", county)
    ended = area("E07000999", "Old District", "ltla", county, ended_on=datetime.date(2023, 3, 31))
    force = area("E23000003", "Lancashire", "pfa")
    force.local_authorities.add(preston, chorley, ended)
    birmingham = area("E08000025", "Birmingham", "ltla")
    west_midlands = area("E23000014", "West Midlands", "pfa")
    west_midlands.local_authorities.add(birmingham)
    return SimpleNamespace(
        county=county,
        preston=preston,
        chorley=chorley,
        ended=ended,
        force=force,
        birmingham=birmingham,
        west_midlands=west_midlands,
    )
