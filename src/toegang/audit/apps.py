from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "toegang.audit"
    label = "audit"

    def ready(self) -> None:
        from toegang.audit import receivers  # noqa: F401 - connects the login/logout receivers
