from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "toegang.procedures"
    verbose_name = "Wettelijke procedures en termijnen"
