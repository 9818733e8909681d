"""/api/v1/: the resources, the OAuth2 token endpoint (client credentials) and the OpenAPI schema."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from oauth2_provider.views import TokenView
from rest_framework.routers import SimpleRouter

from toegang.api import problems, views

router = SimpleRouter(trailing_slash=True)
router.register("signals", views.SignalViewSet, basename="api-signal")
router.register("households", views.HouseholdViewSet, basename="api-household")
router.register("persons", views.PersonViewSet, basename="api-person")
router.register("trajectories", views.TrajectoryViewSet, basename="api-trajectory")
router.register("plans", views.PlanViewSet, basename="api-plan")
router.register("referrals", views.ReferralViewSet, basename="api-referral")
router.register("decisions", views.DecisionViewSet, basename="api-decision")
router.register("services", views.ServiceViewSet, basename="api-service")


class SchemaView(SpectacularAPIView):
    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    throttle_classes: list[type] = []


urlpatterns = [
    path("oauth/token/", TokenView.as_view(), name="api-oauth-token"),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("indicators/<str:board>/", views.IndicatorView.as_view(), name="api-indicators"),
    *router.urls,
    re_path(r"^[\s\S]*$", problems.not_found, name="api-not-found"),  # a newline in the path too
]
