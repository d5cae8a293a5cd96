import re

import pytest

from crampcare.core.stats import messages
from crampcare.core.stats.triggers import FACTOR_LABELS

TEMPLATES = {
    name: value
    for name, value in vars(messages).items()
    if name.isupper() and isinstance(value, str)
}
MESSAGES = {
    name: value for name, value in vars(messages).items() if isinstance(value, messages.Message)
}
# The source list in clinical-facts.md runs R1..R41 (R7 and R37 are not used).
KNOWN_REFERENCES = {f"R{i}" for i in range(1, 42)} - {"R7", "R37"}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_it_fills_every_placeholder_of_each_template(name: str) -> None:
    template = TEMPLATES[name]
    names = set(re.findall(r"%\((\w+)\)s", template))
    rendered = messages.Message(template, tuple((n, f"<{n}>") for n in names)).render()
    assert "%(" not in rendered
    for placeholder in names:
        assert f"<{placeholder}>" in rendered


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_it_cites_only_known_references_and_renders_cleanly(name: str) -> None:
    assert set(MESSAGES[name].references) <= KNOWN_REFERENCES
    rendered = MESSAGES[name].render()
    assert "%%" not in rendered
    assert "%(" not in rendered


def test_it_never_recommends_quinine_or_stopping_a_medicine() -> None:
    texts = [*TEMPLATES.values(), *(m.template for m in MESSAGES.values())]
    texts += FACTOR_LABELS.values()
    for text in texts:
        assert "quinine" not in text.lower()
        assert "stop taking" not in text.lower()


def test_it_writes_figures_the_way_people_read_them() -> None:
    assert messages.number(-0.04) == "0.0"
    assert messages.number(1.25, 2) == "1.25"
    assert messages.number(float("inf")) == "∞"
    assert messages.percent(66.6) == "67"
