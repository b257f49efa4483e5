from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "lindung.people"
    label = "people"
