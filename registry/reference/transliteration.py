"""Uzbek Latin ↔ Cyrillic, by the rules of the 1995 Latin alphabet (as amended).

The two scripts are in one-to-one correspondence for Uzbek words except in a few places,
handled here as the orthography rules say:

- ``oʻ gʻ`` (the turned comma ʻ, or any apostrophe people type instead: ' ` ’ ʼ ‘) are ``ў ғ``;
  ``sh ch`` are ``ш ч``; ``s'h`` (an apostrophe between s and h) is ``сҳ``.
- ``ya yo yu`` are ``я ё ю``; ``ye`` is ``е`` at the start of a word or after a vowel and ``ъе``
  after a consonant (``obyekt`` is ``объект``); ``e`` is ``э`` at the start of a word or after a
  vowel, ``е`` elsewhere.
- The tutuq belgisi ``ʼ`` between letters is ``ъ``; back to Latin, ``ъ`` before ``е ё ю я`` is
  dropped (their ``y`` says it).
- Back to Latin, ``е`` is ``ye`` at the start of a word or after a vowel or ``ъ``/``ь``, ``ц`` is
  ``ts`` between vowels and ``s`` elsewhere, ``ь`` is dropped, ``щ`` is ``sh`` and ``ы`` is ``i``
  (Russian letters that Uzbek words do not use).

A capital that becomes two Latin letters is ``Sh`` in a word and ``SH`` in a word in capitals.
Anything that is not an Uzbek letter (digits, punctuation, Latin letters such as ``w``) passes
through unchanged, so names and codes inside a text survive.
"""

from typing import Final

APOSTROPHES: Final = frozenset("ʻ'`’ʼ‘")
"""What people type for the turned comma of oʻ/gʻ and for the tutuq belgisi."""
TURNED_COMMA: Final = "ʻ"  # U+02BB, in oʻ and gʻ
TUTUQ: Final = "ʼ"  # U+02BC, the tutuq belgisi
LATIN_VOWELS: Final = frozenset("aeiouAEIOU")
CYRILLIC_VOWELS: Final = frozenset("аеёиоуэюяўАЕЁИОУЭЮЯЎ")

_LATIN_LETTERS: Final = {
    "a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "ҳ", "i": "и", "j": "ж",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р", "s": "с",
    "t": "т", "u": "у", "v": "в", "x": "х", "y": "й", "z": "з",
}  # fmt: skip
_Y_VOWELS: Final = {"a": "я", "o": "ё", "u": "ю"}
_CYRILLIC_LETTERS: Final = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ё": "yo", "ж": "j", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "x", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": TUTUQ,
    "ь": "", "ы": "i", "э": "e", "ю": "yu", "я": "ya", "ў": "o" + TURNED_COMMA, "қ": "q",
    "ғ": "g" + TURNED_COMMA, "ҳ": "h",
}  # fmt: skip


def latin_to_cyrillic(text: str) -> str:
    """Uzbek text in the Latin alphabet, in Cyrillic (``Oʻzbekiston`` → ``Ўзбекистон``)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        lower = char.lower()
        following = text[i + 1] if i + 1 < n else ""
        after = text[i + 2] if i + 2 < n else ""
        upper = char.isupper()
        if lower in "og" and following in APOSTROPHES:
            out.append(_cased("ў" if lower == "o" else "ғ", upper))
            i += 2
        elif lower == "s" and following in APOSTROPHES and after.lower() == "h":
            out.append(_cased("с", upper) + _cased("ҳ", after.isupper()))
            i += 3
        elif lower in "sc" and following.lower() == "h":
            out.append(_cased("ш" if lower == "s" else "ч", upper))
            i += 2
        elif lower == "y" and following.lower() in _Y_VOWELS and after not in APOSTROPHES:
            out.append(_cased(_Y_VOWELS[following.lower()], upper))
            i += 2
        elif lower == "y" and following.lower() == "e":
            start = _starts_word(text, i) or _after_latin_vowel(text, i)
            out.append(("" if start else "ъ") + _cased("е", upper))
            i += 2
        elif lower == "e":
            start = _starts_word(text, i) or _after_latin_vowel(text, i)
            out.append(_cased("э" if start else "е", upper))
            i += 1
        elif char in APOSTROPHES and _between_letters(text, i):
            out.append("ъ")
            i += 1
        elif lower in _LATIN_LETTERS:
            out.append(_cased(_LATIN_LETTERS[lower], upper))
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def cyrillic_to_latin(text: str) -> str:
    """Uzbek text in Cyrillic, in the Latin alphabet (``Ғафур Ғулом`` → ``Gʻafur Gʻulom``)."""
    out: list[str] = []
    for i, char in enumerate(text):
        lower = char.lower()
        previous = text[i - 1] if i else ""
        following = text[i + 1] if i + 1 < len(text) else ""
        if lower == "е":
            start = not previous.isalpha() or previous in CYRILLIC_VOWELS or previous in "ъьЪЬ"
            latin = "ye" if start else "e"
        elif lower == "ц":
            between = previous in CYRILLIC_VOWELS and following in CYRILLIC_VOWELS
            latin = "ts" if between else "s"
        elif lower == "ҳ" and previous.lower() == "с":
            latin = TUTUQ + "h"
        elif lower == "ъ" and following.lower() in "еёюя" and following:
            latin = ""  # объект is obyekt: the y says it
        elif lower in _CYRILLIC_LETTERS:
            latin = _CYRILLIC_LETTERS[lower]
        else:
            out.append(char)
            continue
        if char.isupper() and latin:
            capitals = following.isupper() or (previous.isupper() and not following.isalpha())
            latin = latin.upper() if capitals else latin[0].upper() + latin[1:]
        out.append(latin)
    return "".join(out)


def _cased(letter: str, upper: bool) -> str:
    return letter.upper() if upper else letter


def _starts_word(text: str, i: int) -> bool:
    return i == 0 or not (text[i - 1].isalpha() or text[i - 1] in APOSTROPHES)


def _after_latin_vowel(text: str, i: int) -> bool:
    """Whether the letter at ``i`` follows a vowel (``oʻ`` counts as one)."""
    if i == 0:
        return False
    previous = text[i - 1]
    if previous in LATIN_VOWELS:
        return True
    return previous in APOSTROPHES and text[max(i - 2, 0) : i - 1] in {"o", "O"}


def _between_letters(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()
