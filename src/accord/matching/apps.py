import sys

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "accord.matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        # A background-task worker loads the text models once, at start, in a daemon thread
        # (web processes do the same from accord.config.wsgi). Other commands load nothing.
        if "db_worker" in sys.argv[1:3]:
            from accord.matching.text_models import warm_up_in_background

            warm_up_in_background()
