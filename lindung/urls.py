from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("lindung.core.urls")),
    path("akun/", include("lindung.accounts.urls")),
    path("wilayah/", include("lindung.regions.urls")),
    path("orang/", include("lindung.people.urls")),
    path("audit/", include("lindung.audit.urls")),
    path("program/", include("lindung.programs.urls")),
    path("usulan/", include("lindung.proposals.urls")),
    path("data-pembanding/", include("lindung.references.urls")),
    path("verifikasi/", include("lindung.verification.urls")),
    path("peserta/", include("lindung.membership.urls")),
    path("iuran/", include("lindung.contributions.urls")),
    path("klaim/", include("lindung.claims.urls")),
    path("api/", include("lindung.api.urls")),
    path("", include("lindung.reports.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
