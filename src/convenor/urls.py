from django.urls import include, path

from convenor.core.admin import admin_site

urlpatterns = [
    path("admin/", admin_site.urls),
    path("api/v1/", include("convenor.core.api_urls")),
    path("", include("convenor.core.urls")),
]

handler400 = "convenor.core.views.error_400"
handler403 = "convenor.core.views.error_403"
handler404 = "convenor.core.views.error_404"
handler500 = "convenor.core.views.error_500"
