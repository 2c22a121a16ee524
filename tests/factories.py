"""factory-boy factories. Units go through treebeard so that the tree paths are real."""

import factory

from units.enums import Gender, Position, UnitLevel
from units.models import Person, Unit, User


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Trường số {n}")
    level = UnitLevel.SCHOOL
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        unit = model_class(**kwargs)
        if parent is None:
            return model_class.objects.add_root(instance=unit)
        return model_class.objects.add_child(parent, instance=unit)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.edu.vn")
    password = factory.django.Password("ThiDua@2026")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    unit = factory.SubFactory(UnitFactory)
    identifier = factory.Sequence(lambda n: f"ID{n:08d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    gender = Gender.MALE
    position = Position.TEACHER


class RecordFactory(factory.django.DjangoModelFactory):
    """A registry fact. Pass person= or unit=, and year=, kind= and what the kind needs."""

    class Meta:
        model = "criteria.AchievementRecord"

    year = 2024
    kind = "title"


def title(code):
    from criteria.models import Title

    return Title.objects.get(code=code)
