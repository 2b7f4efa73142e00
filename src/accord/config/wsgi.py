import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.config.settings")
application = get_wsgi_application()

# A web process loads the text models once, in the background, so that the first partner
# search or matching run does not wait for them (accord.matching.text_models). Under
# gunicorn this module is loaded in the master before the workers are forked (preload_app): a
# thread and model sessions would not survive the fork, so there each worker warms up in
# gunicorn's post_fork hook (accord.config.gunicorn) instead.
if "gunicorn" not in sys.modules:
    from accord.matching.text_models import warm_up_in_background

    warm_up_in_background()
