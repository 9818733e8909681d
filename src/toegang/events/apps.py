from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "toegang.events"
    verbose_name = "Gebeurtenissen: CloudEvents en webhooks"
