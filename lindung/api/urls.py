"""`/api/v1/...` (token authentication, JSON), `/api/schema/` (OpenAPI 3, public: it holds
no data) and the token page `/api/token/` for signed-in users."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from lindung.api import views, views_tokens

app_name = "api"

router = SimpleRouter()
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("members", views.MemberViewSet, basename="member")
router.register("bills", views.BillViewSet, basename="bill")
router.register("claims", views.ClaimViewSet, basename="claim")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("token/", views_tokens.token_list, name="tokens"),
    path("token/<int:token_id>/cabut/", views_tokens.token_revoke, name="token_revoke"),
]
