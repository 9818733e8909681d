from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "toegang.common"
    label = "common"

    def ready(self) -> None:
        from toegang.common import choices

        choices.install()  # choice labels from a table (common/choices.py)
