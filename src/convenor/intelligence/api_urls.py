from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register(
    "intelligence-reports", api.IntelligenceReportViewSet, basename="intelligence-report"
)
router.register(
    "anonymous-submissions", api.AnonymousSubmissionViewSet, basename="anonymous-submission"
)

urlpatterns = router.urls
