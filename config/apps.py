"""django.contrib.admin with the portal's admin site (config/admin.py). A module of its own:
app configs load before the models, and the site needs them."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "config.admin.PortalAdminSite"
