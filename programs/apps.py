from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Exercise programs"

    def ready(self) -> None:
        # accounts builds the "My data" export but never imports programs: the clinical
        # sections join it here (programs/selectors/records.py).
        from programs.selectors.records import records_export_sections_register

        records_export_sections_register()
