from convenor.core.routing import pages

from . import views

app_name = "search"
urlpatterns = pages("", ("", views.search_page, "search"))
