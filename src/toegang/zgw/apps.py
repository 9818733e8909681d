from django.apps import AppConfig


class ZgwConfig(AppConfig):
    name = "toegang.zgw"
    label = "zgw"
    verbose_name = "ZGW-registratie"

    def ready(self) -> None:
        from toegang.common import jobs
        from toegang.zgw import registration, tasks

        # the embedded worker (WORKER=thread) runs a round when a retry comes due, also after a restart;
        # Celery beat or cron (`manage.py zgw registreren`) do this in production (docs/zgw.md)
        jobs.recurring(tasks.kick, next_due=registration.next_due)
