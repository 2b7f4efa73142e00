import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.config.settings")
application = get_wsgi_application()

# A web process loads the text models once, in the background, so that the first partner
# search or matching run does not wait for them (accord.matching.services.models).
from accord.matching.services.models import warm_up_in_background  # noqa: E402

warm_up_in_background()
