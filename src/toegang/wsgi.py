"""WSGI entry point for production servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toegang.conf.settings")
application = get_wsgi_application()

from toegang.common import gcfreeze  # noqa: E402 - after Django is set up

gcfreeze.install()
