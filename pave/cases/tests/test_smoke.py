from pave.testing import make_case


def test_case_worker_opens_case_assigned_to_herself(personas):
    case = make_case(personas.amal)
    assert case.assigned_to == personas.amal
    assert case.reference.startswith("LB-")
