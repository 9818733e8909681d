from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "toegang.governance"
    verbose_name = "Organisatiekeuze"
