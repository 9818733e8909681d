from django.apps import AppConfig


class IstandaardenConfig(AppConfig):
    name = "toegang.istandaarden"
    verbose_name = "iWmo en iJw berichten"
