from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "toegang.signals"
    label = "signals"
