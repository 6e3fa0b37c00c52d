from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "pave.assistance"
    label = "assistance"
    verbose_name = "Direct assistance"

    def ready(self) -> None:
        # Services, plans, visits and assessments appear on case timelines; cases does not
        # import assistance, so the dependency points one way only.
        from pave.assistance.selectors import TIMELINE_FIELDS, assistance_timeline
        from pave.cases.selectors import register_timeline_source

        register_timeline_source("assistance", assistance_timeline, fields=TIMELINE_FIELDS)
