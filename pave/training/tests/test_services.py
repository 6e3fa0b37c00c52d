"""Events, matching people, merging, imports (dry run, all or nothing), attendance, scores,
certificates and the aggregates selector."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import override_settings

from pave.accounts.roles import Role
from pave.core import crypto
from pave.core.models import AuditEvent
from pave.core.services import keys_rotate
from pave.training import selectors, services
from pave.training.models import Attendance, Certificate, KnowledgeTest, Participant
from pave.training.tests.conftest import OFFICERS, D, make_event, run_import, sheet_csv

pytestmark = pytest.mark.django_db


def person(name="Nour Haddad", **overrides):
    data = {
        "full_name": name,
        "sex": "female",
        "stakeholder_group": "government_officer",
        "affiliation": "General Security",
        "country": "LB",
    }
    data.update(overrides)
    return data


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


# --- events ----------------------------------------------------------------------------------


def test_trainer_records_an_event_with_partners_and_sessions(trainer, personas):
    event = make_event(
        trainer,
        partners=[personas.gov.pk],
        topics="victim identification, Law 164/2011",
        sessions=[(D(2013, 10, 29), D(2013, 10, 30)), (D(2014, 1, 21), None)],
    )
    assert event.organisation == personas.ngo
    assert list(event.partners.all()) == [personas.gov]
    assert event.topics == ["victim identification", "Law 164/2011"]
    assert [s.last_day for s in event.sessions.order_by("date")] == [
        D(2013, 10, 30),
        D(2014, 1, 21),
    ]
    assert "training.event.create" in actions() and "training.session.create" in actions()


def test_event_errors_are_reported_by_field(trainer, personas):
    with pytest.raises(ValidationError) as caught:
        services.event_create(
            actor=trainer,
            data={
                "title": "",
                "event_type": "picnic",
                "country": "XX",
                "partners": [personas.ngo.pk, 999999],
            },
        )
    assert {"title", "event_type", "country", "partners"} <= set(caught.value.message_dict)


def test_a_session_cannot_end_before_it_starts(trainer, event):
    with pytest.raises(ValidationError) as caught:
        services.session_add(
            actor=trainer, event_id=event.pk, date=D(2014, 6, 12), end_date=D(2014, 6, 10)
        )
    assert "end_date" in caught.value.message_dict


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.CASE_MANAGER, Role.DONOR_VIEWER])
def test_roles_outside_training_cannot_record_events(personas, role):
    with pytest.raises(PermissionDenied):
        make_event(personas.by_role[role])


def test_an_outsider_cannot_touch_the_event(personas, event):
    outsider = personas.other_by_role[Role.TRAINER]
    with pytest.raises(Http404):
        services.event_update(actor=outsider, event_id=event.pk, data={"title": "Mine"})
    with pytest.raises(Http404):
        services.session_add(actor=outsider, event_id=event.pk, date=D(2014, 1, 1))


# --- one person, one participant -------------------------------------------------------------


def test_the_same_name_in_the_same_organisation_is_the_same_person(trainer, personas):
    first = services.participant_create(actor=trainer, data=person())
    found = services.participant_find(
        organisation_id=personas.ngo.pk,
        data=person("  NOUR  haddad ", affiliation="general security"),
    )
    assert found == first


def test_the_same_name_elsewhere_is_another_person(trainer, personas):
    services.participant_create(actor=trainer, data=person())
    other = services.participant_create(actor=trainer, data=person(affiliation="Caritas"))
    assert Participant.objects.count() == 2
    assert other.match_scope == "caritas"


def test_a_phone_or_email_match_finds_a_name_spelt_differently(trainer, personas):
    original = services.participant_create(
        actor=trainer, data=person("Mohamed Ali", phone="+961 3 123 456", email="M.Ali@gs.lb")
    )
    by_phone = person("Mohammed Ali", phone="00961 3 123456")
    assert services.participant_find(organisation_id=personas.ngo.pk, data=by_phone) == original
    by_email = person("Mohammad Aly", email="m.ali@GS.lb")
    assert services.participant_find(organisation_id=personas.ngo.pk, data=by_email) == original


def test_arabic_letter_variants_match(trainer, personas):
    original = services.participant_create(
        actor=trainer, data=person("أحمد حسن", affiliation="الأمن العام")
    )
    found = services.participant_find(
        organisation_id=personas.ngo.pk, data=person("احمد حسن", affiliation="الامن العام")
    )
    assert found == original


def test_people_without_an_organisation_are_matched_within_their_country(trainer, personas):
    a = services.participant_create(
        actor=trainer, data=person(affiliation="", stakeholder_group="public")
    )
    data = person(affiliation="", country="ET")
    assert services.participant_find(organisation_id=personas.ngo.pk, data=data) is None
    assert a.match_scope == "@lb"


def test_recording_someone_twice_is_refused(trainer):
    first = services.participant_create(actor=trainer, data=person())
    with pytest.raises(ValidationError) as caught:
        services.participant_create(actor=trainer, data=person("nour HADDAD"))
    assert str(first.pk) in str(caught.value)


def test_another_organisations_participants_are_never_matched(trainer, personas):
    services.participant_create(actor=trainer, data=person())
    other_trainer = personas.other_by_role[Role.TRAINER]
    other = services.participant_create(actor=other_trainer, data=person())
    assert other.organisation == personas.other


def test_an_edit_that_makes_two_records_one_person_asks_for_a_merge(trainer):
    services.participant_create(actor=trainer, data=person())
    second = services.participant_create(actor=trainer, data=person("Nour Hadad"))
    with pytest.raises(ValidationError, match="merge"):
        services.participant_update(
            actor=trainer, participant_id=second.pk, data={"full_name": "Nour Haddad"}
        )
    updated = services.participant_update(
        actor=trainer,
        participant_id=second.pk,
        data={"title": "Captain", "phone": "+961 3 555 666"},
    )
    assert updated.title == "Captain" and updated.phone_bidx


def test_participant_validation_names_every_bad_field(trainer):
    with pytest.raises(ValidationError) as caught:
        services.participant_create(
            actor=trainer,
            data={
                "full_name": "",
                "sex": "x",
                "stakeholder_group": "",
                "country": "ZZ",
                "phone": "12",
                "email": "nope",
            },
        )
    assert set(caught.value.message_dict) == {
        "full_name",
        "sex",
        "stakeholder_group",
        "country",
        "phone",
        "email",
    }


# --- merge -----------------------------------------------------------------------------------


def test_merge_moves_attendance_scores_and_certificates_and_deletes_the_duplicate(
    trainer, two_session_event
):
    event = two_session_event
    first, second = event.sessions.order_by("date")
    keep, _ = services.participant_add_to_event(
        actor=trainer,
        event_id=event.pk,
        data=person("Nour Haddad"),
        session_ids=[first.pk],
        pre_score=Decimal(8),
        max_score=Decimal(20),
    )
    dup, created = services.participant_add_to_event(
        actor=trainer,
        event_id=event.pk,
        data=person("Nour Hadad", email="nour@gs.lb"),
        session_ids=[first.pk, second.pk],
        post_score=Decimal(16),
        max_score=Decimal(20),
    )
    assert created and dup != keep
    services.attendance_record(
        actor=trainer, event_id=event.pk, session_id=first.pk, participant_id=keep.pk, present=False
    )
    (certificate,) = services.certificates_issue(
        actor=trainer, event_id=event.pk, participant_ids=[dup.pk]
    )

    result = services.participant_merge(actor=trainer, keep_id=keep.pk, merge_id=dup.pk)

    assert not Participant.objects.filter(pk=dup.pk).exists()
    marks = dict(Attendance.objects.filter(participant=keep).values_list("session_id", "present"))
    assert marks == {first.pk: True, second.pk: True}  # present at either record wins
    test = KnowledgeTest.objects.get(participant=keep)
    assert (test.pre_score, test.post_score, test.gain) == (8, 16, 8)
    certificate.refresh_from_db()
    assert certificate.participant == keep  # its code keeps working
    keep.refresh_from_db()
    assert keep.email == "nour@gs.lb"  # an empty field filled from the duplicate
    assert (result.attendances, result.tests, result.certificates) == (2, 1, 1)
    merge_event = AuditEvent.objects.get(action="training.participant.merge")
    assert merge_event.detail["merged"] == dup.pk and "email" in merge_event.fields


def test_merge_refuses_one_record_and_other_organisations(trainer, personas):
    mine = services.participant_create(actor=trainer, data=person())
    theirs = services.participant_create(actor=personas.other_by_role[Role.TRAINER], data=person())
    with pytest.raises(ValidationError):
        services.participant_merge(actor=trainer, keep_id=mine.pk, merge_id=mine.pk)
    with pytest.raises(Http404):
        services.participant_merge(actor=trainer, keep_id=mine.pk, merge_id=theirs.pk)


# --- sign-in sheets --------------------------------------------------------------------------


def counts():
    return (Participant.objects.count(), Attendance.objects.count(), KnowledgeTest.objects.count())


def test_a_dry_run_says_who_is_new_and_writes_nothing(trainer, event):
    services.participant_create(actor=trainer, data=person())
    before = counts()
    report = run_import(trainer, event, sheet_csv(OFFICERS), dry_run=True)
    assert report.ok and not report.imported
    assert counts() == before
    assert [row.match_id is not None for row in report.rows] == [True, False, False]
    assert (report.new_people, report.known_people) == (2, 1)
    assert actions()[-1] == "training.import.check"


def test_an_import_is_all_or_nothing(trainer, event):
    rows = [*OFFICERS, ["Bad Row", "F", "GS", "spaceman", "LB", "", "", ""]]
    with pytest.raises(services.ImportRejected) as caught:
        run_import(trainer, event, sheet_csv(rows))
    assert counts() == (0, 0, 0)
    assert [(p.row, p.column) for p in caught.value.report.problems] == [(5, "Stakeholder group")]
    assert caught.value.message_dict == {
        "row 5: Stakeholder group": [caught.value.report.problems[0].message]
    }


def test_an_import_records_people_attendance_and_scores_and_matches_on_the_second_run(
    trainer, event
):
    report = run_import(trainer, event, sheet_csv(OFFICERS))
    assert (report.created, report.matched, report.attendances, report.tests) == (3, 0, 3, 2)
    assert counts() == (3, 3, 2)
    nour = Participant.objects.get(phone_bidx__gt="")
    assert nour.full_name == "Nour Haddad" and nour.sex == "female"
    assert KnowledgeTest.objects.get(participant=nour).gain_percent == Decimal("35.0")
    again = run_import(trainer, event, sheet_csv(OFFICERS))
    assert (again.created, again.matched) == (0, 3)
    assert counts() == (3, 3, 2)  # nobody twice
    audit = AuditEvent.objects.filter(action="training.import").first()
    assert audit is not None
    assert audit.detail["created"] == 0 and "full_name" in audit.fields


def test_the_same_person_twice_in_one_sheet_is_a_problem(trainer, event):
    rows = [
        OFFICERS[0],
        [*OFFICERS[0][:5], "", "", ""],
        [
            "N. Haddad",
            "F",
            "General Security",
            "government_officer",
            "LB",
            "+961 3 123 456",
            "",
            "",
        ],
    ]
    report = run_import(trainer, event, sheet_csv(rows), dry_run=True)
    assert [(p.row, p.message[:15]) for p in report.problems] == [
        (3, "The same person"),
        (4, "The same person"),
    ]


def test_people_from_one_events_sheet_are_recognised_at_the_next_event(trainer, event):
    run_import(trainer, event, sheet_csv(OFFICERS))
    second = make_event(trainer, title="Refresher", sessions=[(D(2014, 9, 1), None)])
    report = run_import(trainer, second, sheet_csv(OFFICERS[:2]))
    assert report.matched == 2 and Participant.objects.count() == 3


def test_an_exported_list_imports_back_onto_the_same_people(trainer, attended, two_session_event):
    name, content_type, content = services.participants_export(
        actor=trainer, event_id=attended.pk, fmt="csv"
    )
    assert name.endswith(".csv") and content_type.startswith("text/csv")
    assert "Nour Haddad" in content.decode("utf-8-sig")
    report = run_import(trainer, two_session_event, content, dry_run=True)
    # The exported columns name the old event's session; the new event has no such date.
    assert report.problems and report.problems[0].row is None
    same_event = run_import(trainer, attended, content)
    assert same_event.matched == 3 and Participant.objects.count() == 3
    assert AuditEvent.objects.filter(action="training.participants.export").exists()
    _name, xlsx_type, xlsx = services.participants_export(
        actor=trainer, event_id=attended.pk, fmt="xlsx"
    )
    assert xlsx[:2] == b"PK" and "spreadsheetml" in xlsx_type


def test_matching_survives_key_rotation(trainer, event, file_keys):
    run_import(trainer, event, sheet_csv(OFFICERS))
    keys_rotate(actor="cli:test")
    crypto.reset_keyring()
    again = run_import(trainer, event, sheet_csv(OFFICERS))
    assert again.matched == 3 and Participant.objects.count() == 3


def test_the_sealed_sheet_opens_only_for_its_user_and_event(trainer, event, personas):
    token = services.import_token_seal(
        user=trainer, event_id=event.pk, filename="a.csv", content=b"x"
    )
    assert services.import_token_open(user=trainer, event_id=event.pk, token=token) == (
        "a.csv",
        b"x",
    )
    with pytest.raises(ValidationError):
        services.import_token_open(user=personas.amal, event_id=event.pk, token=token)
    with pytest.raises(ValidationError):
        services.import_token_open(user=trainer, event_id=event.pk + 1, token=token)
    with pytest.raises(ValidationError):
        services.import_token_open(user=trainer, event_id=event.pk, token=token[:-4] + "AAAA")


# --- attendance, scores, certificates --------------------------------------------------------


def test_the_attendance_grid_marks_present_and_absent(trainer, attended):
    session = attended.sessions.get()
    nour, karim, ali = Participant.objects.order_by("pk")
    changes = services.attendance_set(
        actor=trainer,
        event_id=attended.pk,
        present={(nour.pk, session.pk), (karim.pk, session.pk)},
        test_scores={ali.pk: (Decimal(5), Decimal(9), Decimal(10))},
    )
    assert changes == 2
    assert Attendance.objects.get(participant=ali).present is False
    assert KnowledgeTest.objects.get(participant=ali).gain_percent == Decimal("40.0")


def test_scores_must_fit_the_maximum(trainer, attended):
    participant = Participant.objects.first()
    assert participant is not None
    with pytest.raises(ValidationError) as caught:
        services.test_record(
            actor=trainer,
            event_id=attended.pk,
            participant_id=participant.pk,
            pre_score=Decimal(-1),
            post_score=Decimal(30),
            max_score=Decimal(20),
        )
    assert set(caught.value.message_dict) == {"pre_score", "post_score"}


def test_certificates_go_to_people_present_once(trainer, attended):
    session = attended.sessions.get()
    absent = Participant.objects.order_by("pk").last()
    assert absent is not None
    services.attendance_record(
        actor=trainer,
        event_id=attended.pk,
        session_id=session.pk,
        participant_id=absent.pk,
        present=False,
    )
    issued = services.certificates_issue(actor=trainer, event_id=attended.pk)
    assert len(issued) == 2 and absent.pk not in {c.participant_id for c in issued}
    assert all(len(c.code) == 12 for c in issued) and len({c.code for c in issued}) == 2
    again = services.certificates_issue(actor=trainer, event_id=attended.pk)
    assert {c.pk for c in again} == {c.pk for c in issued}
    with pytest.raises(ValidationError):
        services.certificates_issue(
            actor=trainer, event_id=attended.pk, participant_ids=[absent.pk]
        )
    revoked = services.certificate_revoke(actor=trainer, certificate_id=issued[0].pk)
    assert not revoked.is_valid
    with pytest.raises(ValidationError):
        services.certificate_revoke(actor=trainer, certificate_id=issued[0].pk)
    assert Certificate.objects.count() == 2


# --- aggregates ------------------------------------------------------------------------------


def test_aggregates_count_people_across_sessions_and_events_within_the_period(trainer, personas):
    gsd = make_event(
        trainer,
        partners=[personas.gov.pk],
        sessions=[(D(2013, 10, 29), D(2013, 10, 30)), (D(2014, 1, 21), D(2014, 1, 22))],
    )
    first, second = gsd.sessions.order_by("date")
    run_import(trainer, gsd, sheet_csv(OFFICERS), session_id=first.pk)
    run_import(trainer, gsd, sheet_csv(OFFICERS[:2]), session_id=second.pk)
    media = make_event(
        trainer, title="Media", event_type="media_workshop", sessions=[(D(2014, 6, 17), None)]
    )
    journalists = [
        ["Rima Azar", "F", "Beirut Daily", "journalist", "LB", "", "", ""],
        [*OFFICERS[0][:5], "", "", ""],
    ]
    run_import(trainer, media, sheet_csv(journalists))

    everything = selectors.participants_aggregate(
        organisation=personas.ngo, date_from=None, date_to=None
    )
    assert everything["participants"] == 4  # 3 officers + 1 journalist; Nour counted once
    assert everything["attendances"] == 7
    assert everything["by_event_type"]["training_workshop"] == 3
    assert everything["by_event_type"]["media_workshop"] == 2
    assert everything["by_stakeholder_group"]["government_officer"] == 3
    assert everything["by_sex"] == {"female": 2, "male": 2, "other": 0, "unknown": 0}
    assert everything["knowledge"]["tested"] == 2

    year_2014 = selectors.participants_aggregate(
        organisation=personas.ngo, date_from=D(2014, 1, 1), date_to=D(2014, 12, 31)
    )
    assert year_2014["participants"] == 3  # Ali came only in October 2013
    overlapping = selectors.participants_aggregate(
        organisation=personas.ngo, date_from=D(2013, 10, 30), date_to=D(2013, 10, 30)
    )
    assert overlapping["participants"] == 3  # the second day of a two-day session counts
    journalists_only = selectors.participants_aggregate(
        organisation=personas.ngo, date_from=None, date_to=None, stakeholder_groups=["journalist"]
    )
    assert journalists_only["participants"] == 1
    with_gsd = selectors.participants_aggregate(
        organisation=personas.ngo, date_from=None, date_to=None, partner=personas.gov
    )
    assert with_gsd["participants"] == 3 and with_gsd["filters"]["partner"] == "GSD-LB"
    other = selectors.participants_aggregate(
        organisation=personas.other, date_from=None, date_to=None
    )
    assert other["participants"] == 0


@override_settings(PAVE_SUPPRESSION_THRESHOLD=3)
def test_the_threshold_comes_from_the_settings():
    assert selectors.suppression_threshold() == 3


def test_donors_see_only_events_their_organisation_partners(personas, trainer):
    donor = personas.by_role[Role.DONOR_VIEWER]
    scope = selectors.aggregate_scope(user=donor)
    assert scope.organisation == personas.ngo and scope.suppressed
    outside_donor = personas.other_by_role[Role.DONOR_VIEWER]
    with pytest.raises(Http404):
        selectors.aggregate_scope(user=outside_donor, organisation_code="BMS")
    make_event(trainer, partners=[personas.other.pk])
    scope = selectors.aggregate_scope(user=outside_donor, organisation_code="BMS")
    assert (scope.organisation, scope.partner, scope.suppressed) == (
        personas.ngo,
        personas.other,
        True,
    )
    with pytest.raises(Http404):  # managers count their own organisation only
        selectors.aggregate_scope(
            user=personas.other_by_role[Role.TRAINER], organisation_code="BMS"
        )
    with pytest.raises(PermissionDenied):
        selectors.aggregate_scope(user=personas.amal)


def test_a_sheet_completes_a_recorded_person_but_never_overwrites(trainer, event):
    karim = services.participant_create(
        actor=trainer, data=person("Karim Saad", sex="unknown", title="Captain")
    )
    run_import(trainer, event, sheet_csv(OFFICERS))
    karim.refresh_from_db()
    assert karim.sex == "male"  # was not known
    rows = [
        [
            "Karim Saad",
            "F",
            "General Security",
            "government_officer",
            "LB",
            "+961 3 999 888",
            "",
            "",
        ]
    ]
    run_import(trainer, event, sheet_csv(rows))
    karim.refresh_from_db()
    assert (karim.sex, karim.phone, karim.title) == ("male", "+961 3 999 888", "Captain")
    assert (
        services.participant_find(
            organisation_id=karim.organisation_id, data=person("K. Saad", phone="+961 3 999888")
        )
        == karim
    )


def test_many_people_are_matched_in_one_query(trainer, personas, django_assert_num_queries):
    nour = services.participant_create(actor=trainer, data=person(phone="+961 3 123 456"))
    people = [person("N. Haddad", phone="+961 3 123456"), person("Nobody Known"), person()]
    with django_assert_num_queries(1):
        found = services.participants_match(organisation_id=personas.ngo.pk, people=people)
    assert found == [nour, None, nour]


def test_scores_out_of_another_maximum_replace_the_old_ones(trainer, attended):
    nour = Participant.objects.order_by("pk").first()
    assert nour is not None
    test = services.test_record(
        actor=trainer,
        event_id=attended.pk,
        participant_id=nour.pk,
        pre_score=None,
        post_score=Decimal(8),
        max_score=Decimal(10),
    )
    assert (test.pre_score, test.post_score, test.max_score) == (None, 8, 10)
    rows = [[*OFFICERS[0][:6], "3", ""]]
    run_import(trainer, attended, sheet_csv(rows), max_score=Decimal(10))
    test.refresh_from_db()
    assert (test.pre_score, test.post_score, test.gain_percent) == (3, 8, Decimal("50.0"))
