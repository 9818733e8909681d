from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "toegang.steering"
    verbose_name = "Sturing: indicatoren, dashboards, rapportages"
