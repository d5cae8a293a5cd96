"""A visitor's session holding answers the questionnaire cannot read: cleared with a message."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from crampcare.assessment.drafts import SESSION_ANSWERS, SESSION_FINISHED
from crampcare.assessment.questionnaire import STEPS

pytestmark = pytest.mark.django_db

NONSENSE = [
    {"age": "old", "sex": 7},
    {"symptoms": "everywhere"},
    {"unknown_question": True},
    ["not", "a", "mapping"],
]


def _with_session_answers(client: Client, answers: Any) -> None:
    session = client.session
    session[SESSION_ANSWERS] = answers
    session[SESSION_FINISHED] = True
    session.save()


@pytest.mark.parametrize("answers", NONSENSE)
@pytest.mark.parametrize("path", ["/assessment/", f"/assessment/step/{STEPS[0].slug}/", "result"])
def test_it_clears_unreadable_session_answers_with_a_message(
    client: Client, answers: Any, path: str
) -> None:
    _with_session_answers(client, answers)
    url = "/assessment/result/" if path == "result" else path
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert "could not be read" in response.content.decode()
    assert SESSION_ANSWERS not in client.session


@pytest.mark.parametrize("answers", NONSENSE[:2])
def test_it_accepts_a_fresh_answer_after_clearing_a_bad_draft(client: Client, answers) -> None:
    _with_session_answers(client, answers)
    response = client.post(f"/assessment/step/{STEPS[0].slug}/", {})
    assert response.status_code in {302, 400}
