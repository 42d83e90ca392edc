import pytest

from directory.needs import expand, understand


@pytest.mark.parametrize(("text", "expected"), [
    ("booze", {"alcohol"}),
    ("I drink too much", {"alcohol"}),
    ("alchohol", {"alcohol"}),
    ("coke", {"cocaine"}),
    ("betting", {"gambling"}),
    ("gamblng problem", {"gambling"}),
    ("my son's using", {"family", "drugs"}),
    ("my husband drinks every night", {"family", "alcohol"}),
    ("cannabis and coke", {"cannabis", "cocaine"}),
    ("benzos", {"benzodiazepines"}),
    ("smack", {"opioids"}),
    ("I need help with booze", {"alcohol"}),
])
def test_everyday_words_are_understood(text: str, expected: set[str]) -> None:
    assert set(understand(text)[0]) == expected


@pytest.mark.parametrize("text", ["I am using the bus", "hello", "", "help", "x" * 100_000])
def test_ordinary_words_are_not_needs(text: str) -> None:
    assert understand(text)[0] == frozenset()


def test_a_substance_counts_as_drugs_too() -> None:
    assert expand({"cocaine"}) == {"cocaine", "drugs"}
