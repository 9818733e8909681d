from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "toegang.audit"
    label = "audit"
