from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "toegang.events"
    verbose_name = "Gebeurtenissen: CloudEvents en webhooks"

    def ready(self) -> None:
        from toegang.common import jobs
        from toegang.events import delivery, tasks

        # the embedded worker (WORKER=thread) runs the delivery round when it starts and whenever a retry
        # comes due; Celery beat or cron does this in production (docs/events.md §5)
        jobs.recurring(tasks.kick, next_due=delivery.next_due)
