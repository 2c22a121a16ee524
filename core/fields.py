"""Model fields every app may use."""

from django.db import models

from .text import fold


class FoldedKeyField(models.CharField):
    """The folded form (core.text.fold: lower case, no diacritics, đ → d) of another field,
    kept by the model itself so that "bui kim yen" finds "Bùi Kim Yến" on PostgreSQL and SQLite
    alike with a plain `__contains` (no `unaccent`, which SQLite lacks).

    Written in `pre_save`, which Django calls on `save()` and on `bulk_create()` alike, so the
    seeders and importers that insert in bulk need not remember it. `bulk_update()` and
    `QuerySet.update()` do not call it: a caller changing `source` that way lists this field too
    (`fold_keys(instances)` below).
    """

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def folded(self, instance) -> str:
        return fold(getattr(instance, self.source) or "")[: self.max_length]

    def pre_save(self, model_instance, add):
        value = self.folded(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def fold_keys(instances) -> None:
    """Refresh the folded keys of instances about to be written by `bulk_update()`."""
    for instance in instances:
        for field in instance._meta.concrete_fields:
            if isinstance(field, FoldedKeyField):
                setattr(instance, field.attname, field.folded(instance))
