from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "pave.assistance"
    label = "assistance"
    verbose_name = "Direct assistance"
    # Services, plans, visits and assessments appear on case timelines; cases asks for them
    # through pave.core.extensions and never imports assistance.
    timeline_source = "pave.assistance.selectors.assistance_timeline"
    timeline_fields = "pave.assistance.selectors.TIMELINE_FIELDS"
    # `pave worker` reminds case workers of follow-up visits (idempotent: once per visit).
    periodic_tasks = {"pave.assistance.tasks.follow_up_reminders": 6 * 3600}
    # Services delivered are a source of the counting engine (pave.core.counting).
    counting_sources = "pave.assistance.counting.SOURCES"
