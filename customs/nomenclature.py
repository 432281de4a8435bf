"""The HS 2022 nomenclature (customs/data/hs2022/): lookups and a ranked word search. Pure.

`nomenclature()` reads the two CSV files once per process, on first use, and builds an inverted
index of the subheadings' words, so a search costs a few dictionary look-ups and can run on
every keystroke of a form. Digits beyond the sixth are national (CN, HTS, …) and are not known
here: a listing's code is checked by its first six.
"""

from __future__ import annotations

import bisect
import csv
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data" / "hs2022"
CHAPTER, HEADING, SUBHEADING = "chapter", "heading", "subheading"
LEVELS = {2: CHAPTER, 4: HEADING, 6: SUBHEADING}

# How much a query word counts where it is found: in the subheading's own description, only in
# its heading's, or only in its chapter's. A word that merely starts a longer one (typing
# "cott" for "cotton", "tomato" for "tomatoes") counts for a little less than the whole word.
OWN, IN_HEADING, IN_CHAPTER = 3.0, 1.0, 0.5
PREFIX_FACTOR = 0.6
MIN_PREFIX = 3

STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "its", "nes", "nec", "of", "on", "or", "other", "others", "such", "than", "that", "the",
    "their", "thereof", "these", "this", "those", "to", "whether", "which", "with",
})  # fmt: skip
# Words in "(other than cotton)", "(not knitted or crocheted)" or "excluding …" describe what
# a code is NOT: they must not make it match.
_NEGATED = re.compile(
    r"\((?:other than|not|excluding|except)\b[^)]*\)"
    r"|\b(?:other than|excluding|except)\b[^,;()]*"
    r"|(?<!or )\bnot\b[^,;()]*",  # "not roasted", but "whether or not with a strap" is not a no
    re.IGNORECASE,
)
# Plurals the suffix rules below get wrong ("scarves" is not "scarve").
IRREGULAR = {
    "scarves": "scarf", "knives": "knife", "leaves": "leaf", "halves": "half",
    "shelves": "shelf", "loaves": "loaf", "calves": "calf", "wives": "wife",
    "tomatoes": "tomato", "potatoes": "potato", "mangoes": "mango", "men": "man",
    "women": "woman", "children": "child", "teeth": "tooth", "feet": "foot", "geese": "goose",
}  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
_DIGITS_ONLY = re.compile(r"^[0-9][0-9 .]*$")


@dataclass(frozen=True)
class Entry:
    """A chapter (2 digits), heading (4) or subheading (6) and where it sits."""

    code: str
    description: str
    section: str  # the section's Roman numeral, e.g. "XI"
    parent: str  # "" for a chapter

    @property
    def level(self) -> str:
        return LEVELS[len(self.code)]


@dataclass(frozen=True)
class Section:
    code: str
    description: str


@dataclass(frozen=True)
class Match:
    """A subheading found by `search`: `matched` query words of `wanted`, and its score."""

    entry: Entry
    matched: int
    wanted: int
    score: float


def fold(word: str) -> str:
    """A word's index form: simple plurals folded ("berries" → "berry", "boxes" → "box",
    "shirts" → "shirt"); "glass", "asparagus" and "analysis" are left alone."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def term_groups(text: str) -> list[tuple[str, ...]]:
    """The words of `text` as the index keeps them, one group per word written: lower-case,
    plurals folded, stopwords and lone letters dropped, and "t-shirt", "tshirt" and "t shirt"
    all "tshirt". A hyphenated word is its joined form then its parts ("hand-made" →
    ("handmade", "hand", "made")), so "shirt" finds T-shirts too."""
    text = text.lower().replace("’", "'")
    groups: list[tuple[str, ...]] = []
    pending_letter, end = "", 0
    for found in _WORD.finditer(text):
        if pending_letter and text[end : found.start()].strip(" -"):
            pending_letter = ""  # "n.e.c. in": only a space or a hyphen joins a letter on
        end = found.end()
        word = found.group().replace("'s", "").replace("'", "")
        if len(word) == 1 and word.isalpha() and word not in {"a", "i"}:
            pending_letter = word  # "t shirt": joined to the next word
            continue
        parts = [p for p in word.split("-") if p]
        joined = pending_letter + "".join(parts)
        pending_letter = ""
        if len(parts) == 1 and joined == word and (word in STOPWORDS or len(word) < 2):
            continue
        rest = [fold(p) for p in parts if len(p) > 1 and p not in STOPWORDS]
        group = tuple(dict.fromkeys([fold(joined), *rest]))
        groups.append(group)
    return groups


def terms(text: str) -> list[str]:
    """Every index word of `text` (see `term_groups`)."""
    return [term for group in term_groups(text) for term in group]


def _positive_terms(description: str) -> set[str]:
    return set(terms(_NEGATED.sub(" ", description)))


def code_digits(text: str) -> str | None:
    """The digits of `text` when it is a code typed as digits, dots and spaces ("6109.10")."""
    stripped = text.strip()
    if stripped and _DIGITS_ONLY.match(stripped):
        return re.sub(r"[ .]", "", stripped)
    return None


@dataclass
class Nomenclature:
    entries: dict[str, Entry]
    sections: dict[str, Section]
    children: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # word → {subheading code: weight}, and the sorted words for prefix look-ups
    _index: dict[str, dict[str, float]] = field(default_factory=dict)
    _vocabulary: list[str] = field(default_factory=list)
    _idf: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        children: dict[str, list[str]] = {}
        for entry in self.entries.values():
            if entry.parent:
                children.setdefault(entry.parent, []).append(entry.code)
        self.children = {code: tuple(sorted(kids)) for code, kids in children.items()}
        own_terms = {
            code: _positive_terms(entry.description) for code, entry in self.entries.items()
        }
        for code, entry in self.entries.items():
            if entry.level != SUBHEADING:
                continue
            weights: dict[str, float] = {}
            for level_code, weight in ((code[:2], IN_CHAPTER), (code[:4], IN_HEADING), (code, OWN)):
                # A word of the subheading's own text counts most; found in its heading or
                # chapter too, a little more (raw "cotton" in chapter 52 "Cotton").
                for term in own_terms.get(level_code, ()):
                    weights[term] = weights.get(term, 0.0) + weight
            for term, weight in weights.items():
                self._index.setdefault(term, {})[code] = weight
        self._vocabulary = sorted(self._index)
        total = len(self.subheadings)
        self._idf = {t: 1.0 + math.log(total / len(hits)) for t, hits in self._index.items()}

    # --- look-ups ---------------------------------------------------------------------------

    @property
    def subheadings(self) -> list[Entry]:
        return [e for e in self.entries.values() if e.level == SUBHEADING]

    def of_level(self, level: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.level == level]

    def get(self, code: str) -> Entry | None:
        """The chapter, heading or subheading with exactly this code."""
        return self.entries.get(code)

    def subheading(self, code: str) -> Entry | None:
        """The subheading of a listing's code (its first six digits), if it is one."""
        return self.entries.get(code[:6]) if len(code) >= 6 else None

    def description(self, code: str) -> str:
        """The subheading's description for a code of 6 or more digits; "" if unknown."""
        entry = self.subheading(code)
        return entry.description if entry else ""

    def is_subheading(self, code: str) -> bool:
        return self.subheading(code) is not None

    def heading_of(self, code: str) -> Entry | None:
        return self.entries.get(code[:4]) if len(code) >= 4 else None

    def chapter_of(self, code: str) -> Entry | None:
        return self.entries.get(code[:2]) if len(code) >= 2 else None

    def section_of(self, code: str) -> Section | None:
        chapter = self.chapter_of(code)
        return self.sections.get(chapter.section) if chapter else None

    def nearest(self, code: str) -> Entry | None:
        """For a code that is not a subheading, the closest level that exists: its heading (the
        first four digits) if there is one, else its chapter; None when neither exists."""
        return self.heading_of(code) or self.chapter_of(code)

    def unknown_message(self, code: str, *, few: int = 6) -> str:
        """Why `code` (6+ digits) is not a real subheading, naming the nearest heading and a few
        of its subheadings so the person can pick the right one."""
        six = code[:6]
        subject = (
            f'"{six}" is not an HS 2022 subheading'
            if len(code) == 6
            else f'The first six digits of {code}, "{six}", are not an HS 2022 subheading'
        )
        near = self.nearest(code)
        if near is None:
            return f"{subject}, and there is no chapter {code[:2]} in HS 2022."
        kids = self.children.get(near.code, ())
        shown = ", ".join(kids[:few])
        more = f" and {len(kids) - few} more" if len(kids) > few else ""
        what = "subheadings" if near.level == HEADING else "headings"
        return (
            f'{subject}. {near.level.capitalize()} {near.code} is "{near.description}": '
            f"its {what} are {shown}{more}."
        )

    # --- search -----------------------------------------------------------------------------

    def _expand(self, term: str) -> Iterator[tuple[str, float]]:
        """The index words a query word stands for: itself, and (from 3 letters) the words it
        starts, at a lower weight."""
        if term in self._index:
            yield term, 1.0
        if len(term) >= MIN_PREFIX and not term.isdigit():
            start = bisect.bisect_right(self._vocabulary, term)
            for word in self._vocabulary[start:]:
                if not word.startswith(term):
                    break
                yield word, PREFIX_FACTOR

    def search(self, query: str, *, limit: int | None = None) -> list[Match]:
        """Subheadings for a query, best first.

        Digits ("6109", "6109.10") list the subheadings starting with them, in code order.
        Words rank subheadings by how many of the words they match (all, where possible), then
        by where they match (own description over heading over chapter, rarer words first).
        Digit groups among words narrow the search to codes starting with them.
        """
        digits = code_digits(query)
        if digits is not None:
            found = [
                Match(entry=e, matched=1, wanted=1, score=0.0)
                for e in self.subheadings
                if e.code.startswith(digits[:6])
            ]
            return found[:limit] if limit is not None else found
        prefixes = [w for w in re.findall(r"[0-9]+", query) if len(w) >= 2]
        wanted = list(
            dict.fromkeys(g for g in term_groups(query) if not all(t.isdigit() for t in g))
        )
        if not wanted:
            if not prefixes:
                return []
            return [
                Match(entry=e, matched=0, wanted=0, score=0.0)
                for e in self.subheadings
                if any(e.code.startswith(p[:6]) for p in prefixes)
            ][:limit]
        matched: dict[str, int] = {}
        scores: dict[str, float] = {}
        for group in wanted:
            # A word counts once, by the best of its forms ("tshirt", "shirt").
            best: dict[str, float] = {}
            for term in group:
                expanded = list(self._expand(term))
                # A word start weighs as its most common completion, so "cotto" does not
                # prefer the rare "cottonseed" to "cotton".
                idf = min((self._idf[word] for word, _ in expanded), default=0.0)
                for word, factor in expanded:
                    for code, weight in self._index[word].items():
                        value = weight * factor * (self._idf[word] if factor == 1.0 else idf)
                        if value > best.get(code, 0.0):
                            best[code] = value
            for code, value in best.items():
                matched[code] = matched.get(code, 0) + 1
                scores[code] = scores.get(code, 0.0) + value
        codes: Iterable[str] = scores
        if prefixes:
            codes = [c for c in codes if any(c.startswith(p[:6]) for p in prefixes)]
        ranked = sorted(codes, key=lambda c: (-matched[c], -scores[c], c))
        if limit is not None:
            ranked = ranked[:limit]
        return [
            Match(
                entry=self.entries[c],
                matched=matched[c],
                wanted=len(wanted),
                score=round(scores[c], 3),
            )
            for c in ranked
        ]


def load(directory: Path = DATA_DIR) -> Nomenclature:
    """Read hs2022.csv and sections.csv from `directory`."""
    with (directory / "sections.csv").open(encoding="utf-8", newline="") as file:
        sections = {
            row["section"]: Section(code=row["section"], description=row["name"].strip())
            for row in csv.DictReader(file)
        }
    with (directory / "hs2022.csv").open(encoding="utf-8", newline="") as file:
        entries = {
            row["code"]: Entry(
                code=row["code"],
                description=row["description"].strip(),
                section=row["section"],
                parent=row["parent"],
            )
            for row in csv.DictReader(file)
        }
    return Nomenclature(entries=entries, sections=sections)


@lru_cache(maxsize=1)
def nomenclature() -> Nomenclature:
    """The HS 2022 nomenclature shipped with the project, loaded once per process."""
    return load()


def hs_description(code: str) -> str:
    """The description of a listing's subheading (its first six digits); "" if none.

    What every page, the cart and the APIs show beside an HS code.
    """
    return nomenclature().description(code)
