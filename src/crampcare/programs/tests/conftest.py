import pytest

from crampcare.programs.catalogue import Catalogue, default_catalogue
from crampcare.programs.tests.catalogue_data import LIBRARY_FILE, make_catalogue


@pytest.fixture
def catalogue() -> Catalogue:
    return make_catalogue()


@pytest.fixture
def library() -> Catalogue:
    if not LIBRARY_FILE.exists():
        pytest.skip("the exercise library (content/exercises/) is not written yet")
    return default_catalogue()


@pytest.fixture(params=["test data", "real library"])
def any_catalogue(request: pytest.FixtureRequest) -> Catalogue:
    """Runs a test on the hand-written catalogue and again on the real library."""
    if request.param == "test data":
        return make_catalogue()
    return request.getfixturevalue("library")
