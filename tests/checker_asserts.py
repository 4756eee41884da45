"""Assertions on the results of exercise checkers, for the checkers' tests."""

from otnotes.checks import CheckResult


def assert_fails(result, *fragments):
    """The checker said "not yet", and its message holds every fragment."""
    assert isinstance(result, CheckResult)
    assert not result.passed
    assert "✘ not yet" in repr(result)
    for fragment in fragments:
        assert fragment in result.message, result.message


def assert_passes(result):
    """The checker accepted the answer."""
    assert isinstance(result, CheckResult)
    assert result.passed, result.message
    assert "✔ passed" in repr(result)
