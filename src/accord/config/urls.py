from django.contrib import admin
from django.urls import include, path

from accord.api.main import api
from accord.common.views import AuditLogView, HomeView, WorkView, favicon

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("start/", WorkView.as_view(), name="work"),
    path("favicon.ico", favicon, name="favicon"),
    path("accord/", include("accord.partnerships.urls")),
    path("programmes/", include("accord.programmes.urls")),
    path("directory/", include("accord.directory.urls")),
    path("audit/", AuditLogView.as_view(), name="audit_log"),
    path("", include("accord.applications.urls")),
    path("manage/", include("accord.applications.urls_manage")),
    path("", include("accord.matching.urls")),
    path("", include("accord.review.urls")),
    path("", include("accord.review.urls_assign")),
    path("", include("accord.decisions.urls")),
    path("accounts/", include("accord.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/api-tokens/", include("accord.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
