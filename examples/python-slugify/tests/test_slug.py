from slugify import slugify


def test_plain_words():
    assert slugify("Hello World") == "hello-world"


def test_punctuation_collapses():
    assert slugify("Rock & Roll -- Live!") == "rock-roll-live"


def test_accented_letters_are_transliterated():
    assert slugify("Crème Brûlée") == "creme-brulee"


def test_german_and_nordic_letters():
    assert slugify("Straße in Åre") == "strasse-in-are"


def test_max_length_does_not_end_in_hyphen():
    assert slugify("a " * 50, max_length=10) == "a-a-a-a-a"
