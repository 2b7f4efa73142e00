"""The JSON API (django-ninja): one router per app beside the app (``accord/<app>/api.py``),
mounted here with the authentication they share (session or a personal API token).

- ``main``: the ``NinjaAPI`` instance, its routers and exception handlers (schema at
  /api/openapi.json, docs at /api/docs);
- ``auth``: session or ``Authorization: Bearer <token>``; a token acts with one of its user's
  roles, and read-only tokens may not write;
- ``schemas``: what every router shares (error bodies, the bounded page, path parameters);
- ``models``/``services``/``selectors``/``views``: personal API tokens and the account page that
  creates and revokes them.
"""
