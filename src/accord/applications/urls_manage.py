"""Officer pages (programme officers of a call's funders)."""


from accord.applications.views import manage

app_name = "manage"
urlpatterns: list = []  # filled in by views.manage
urlpatterns += manage.urlpatterns
