from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "toegang.portal"
    verbose_name = "Portaal voor inwoners"

    def ready(self) -> None:
        from toegang.portal.oidc import check_settings

        check_settings()
