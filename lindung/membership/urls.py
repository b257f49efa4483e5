"""Member pages under /peserta/: each part of the work keeps its own views module."""

from django.urls import URLPattern

from lindung.membership import views_decrees, views_determination, views_members, views_registration

app_name = "membership"

urlpatterns: list[URLPattern] = [
    *views_members.urlpatterns,
    *views_determination.urlpatterns,
    *views_decrees.urlpatterns,
    *views_registration.urlpatterns,
]
