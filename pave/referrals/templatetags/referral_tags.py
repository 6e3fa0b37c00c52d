"""`{% referrals_case_section case %}`: the case page's consent and referrals section.

An inclusion tag, so the case page needs no change to its view: it reads through selectors
about a case the page has already obtained (scoped and audited) for the user.
"""

from typing import Any

from django import template

from pave.cases.models import Case
from pave.referrals import selectors
from pave.referrals.roles import CONSENT_RECORDERS, SENDERS

register = template.Library()


@register.inclusion_tag("referrals/_case_section.html", takes_context=True)
def referrals_case_section(context: Any, case: Case) -> dict[str, Any]:
    user = context["request"].user
    return {
        "case": case,
        # Consent notes are not shown here (they are on the consent page, an audited read).
        "consents": list(selectors.consents_of_case(case=case).defer("notes")),
        "referrals": list(selectors.referrals_of_case(case=case)),
        "can_refer": user.role in SENDERS,
        "can_record_consent": user.role in CONSENT_RECORDERS,
    }
