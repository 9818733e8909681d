from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "toegang.privacy"
    label = "privacy"
