from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "toegang.common"
    label = "common"

    def ready(self) -> None:
        from django.db.models import Field, ForeignObject

        from toegang.common import choices
        from toegang.common.lookups import AnyOf

        choices.install()  # choice labels from a table (common/choices.py)
        # field__any_of=ids: one array parameter (common/lookups.py); foreign keys keep lookups of their own
        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)
