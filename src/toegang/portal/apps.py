from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "toegang.portal"
    verbose_name = "Portaal voor inwoners"
