import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify

from convenor.core.models import (
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
