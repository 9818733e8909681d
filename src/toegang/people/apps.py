from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "toegang.people"
    label = "people"
