from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "toegang.accounts"
    label = "accounts"

    def ready(self) -> None:
        from toegang.accounts import sessions  # noqa: F401 - starts the idle clock at login
