"""Dashboard (/dasbor/), printable reports (/laporan/) and the public status check (/cek/)."""

from lindung.reports import views_dashboard, views_public, views_reports

app_name = "reports"
urlpatterns = [
    *views_dashboard.urlpatterns,
    *views_reports.urlpatterns,
    *views_public.urlpatterns,
]
