from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "toegang.api"
    label = "api"
    verbose_name = "REST API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from toegang.api import schema  # noqa: F401 - registers the OpenAPI extension of the bearer scheme
