from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "toegang.plans"
    label = "plans"
