from django.apps import AppConfig


class AuditorApiConfig(AppConfig):
    name = "auditor_api"
    verbose_name = "Auditor mobile API"
