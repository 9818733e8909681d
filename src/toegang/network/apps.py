from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "toegang.network"
    verbose_name = "Netwerk: escalatie, casusoverleg, sociale kaart"
