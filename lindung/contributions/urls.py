"""Money pages under /iuran/: each part of the work keeps its own views module."""

from django.urls import URLPattern

from lindung.contributions import views_bills, views_payments, views_reconciliation

app_name = "contributions"

urlpatterns: list[URLPattern] = [
    *views_bills.urlpatterns,
    *views_reconciliation.urlpatterns,
    *views_payments.urlpatterns,
]
