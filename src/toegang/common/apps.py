from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "toegang.common"
    label = "common"
