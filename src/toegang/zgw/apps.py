from django.apps import AppConfig


class ZgwConfig(AppConfig):
    name = "toegang.zgw"
    label = "zgw"
    verbose_name = "ZGW-registratie"
