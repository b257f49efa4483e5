"""Claims pages under /klaim/."""

from django.urls import URLPattern

from lindung.claims import views

app_name = "claims"

urlpatterns: list[URLPattern] = [*views.urlpatterns]
