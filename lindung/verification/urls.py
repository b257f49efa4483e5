from django.urls import path

from lindung.verification import views

app_name = "verification"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("jalankan/", views.run_start, name="start"),
    path("<int:run_id>/", views.run_detail, name="run"),
    path("<int:run_id>/kemajuan/", views.run_progress, name="progress"),
    path("<int:run_id>/hasil/", views.run_results, name="results"),
    path("kecamatan/", views.kecamatan_queue, name="kecamatan"),
    path("kecamatan/proses/", views.kecamatan_act, name="kecamatan_act"),
    path("dinas/", views.decision_queue, name="decisions"),
    path("dinas/sekaligus/", views.decide_bulk, name="decide_bulk"),
    path("usulan/<int:proposal_id>/putuskan/", views.proposal_decide, name="decide"),
    path("usulan/<int:proposal_id>/kembalikan/", views.proposal_return, name="return"),
    path("temuan/<int:finding_id>/kesampingkan/", views.finding_override, name="override"),
    path("telaah-data/", views.clerical_queue, name="clerical"),
    path("temuan/<int:finding_id>/", views.match, name="match"),
    path("program/<int:programme_id>/tingkat/", views.severities, name="severities"),
]
