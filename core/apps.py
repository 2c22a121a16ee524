from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Dùng chung")

    def ready(self):
        from django.core import validators

        from .validators import NULL_CHARACTERS_MESSAGE

        # Every forms.CharField adds this validator itself, so no form of ours can swap it the
        # way MinimumLengthValidator is swapped in settings: its message is set here, once.
        validators.ProhibitNullCharactersValidator.message = NULL_CHARACTERS_MESSAGE
