"""The HS 2022 nomenclature shipped in customs/data/hs2022/: counts, look-ups, the message for
an unknown code, and the ranked search sellers use to find their code."""

from __future__ import annotations

import time

import pytest

from customs.hs import HS_CHAPTERS
from customs.nomenclature import (
    CHAPTER,
    HEADING,
    SUBHEADING,
    hs_description,
    load,
    nomenclature,
    term_groups,
)


def codes(query: str, limit: int = 10) -> list[str]:
    return [m.entry.code for m in nomenclature().search(query, limit=limit)]


# --- the data -------------------------------------------------------------------------------


def test_the_data_has_96_chapters_1228_headings_and_5612_subheadings() -> None:
    hs = nomenclature()

    assert len(hs.of_level(CHAPTER)) == 96
    assert len(hs.of_level(HEADING)) == 1228
    assert len(hs.of_level(SUBHEADING)) == 5612
    assert len(hs.sections) == 21


def test_every_code_sits_under_a_parent_of_the_level_above() -> None:
    hs = nomenclature()

    for entry in hs.entries.values():
        if entry.level == CHAPTER:
            assert entry.parent == ""
        else:
            parent = hs.entries[entry.parent]
            assert entry.code.startswith(parent.code)
            assert len(parent.code) == len(entry.code) - 2
            assert parent.section == entry.section
        assert entry.description
        assert entry.section in hs.sections


def test_it_is_loaded_once_per_process() -> None:
    assert nomenclature() is nomenclature()


def test_the_chapter_names_of_the_filters_are_the_chapters_of_the_data() -> None:
    assert set(HS_CHAPTERS) == {e.code for e in nomenclature().of_level(CHAPTER)}


# --- look-ups -------------------------------------------------------------------------------


def test_a_subheading_with_its_heading_chapter_and_section() -> None:
    hs = nomenclature()

    subheading = hs.get("610910")
    assert subheading is not None
    assert subheading.description == (
        "T-shirts, singlets and other vests; of cotton, knitted or crocheted"
    )
    heading = hs.heading_of("610910")
    chapter = hs.chapter_of("610910")
    section = hs.section_of("610910")
    assert heading is not None and chapter is not None and section is not None
    assert (heading.code, heading.description) == (
        "6109",
        "T-shirts, singlets and other vests; knitted or crocheted",
    )
    assert (chapter.code, chapter.description) == (
        "61",
        "Apparel and clothing accessories; knitted or crocheted",
    )
    assert (section.code, section.description) == ("XI", "Textiles and textile articles")


@pytest.mark.parametrize(
    ("code", "real"),
    [("610910", True), ("6109100010", True), ("0901110", True), ("610999", False),
     ("619999", False), ("770000", False), ("6109", False), ("", False)],
)  # fmt: skip
def test_a_code_is_a_subheading_by_its_first_six_digits(code: str, real: bool) -> None:
    assert nomenclature().is_subheading(code) is real


def test_the_description_of_a_listing_code_is_its_subheadings() -> None:
    assert hs_description("6109100010") == hs_description("610910")
    assert hs_description("090210").startswith("Tea, green")
    assert hs_description("610999") == ""


# --- the message naming the nearest heading --------------------------------------------------


def test_an_unknown_subheading_names_its_heading_and_the_headings_subheadings() -> None:
    assert nomenclature().unknown_message("610999") == (
        '"610999" is not an HS 2022 subheading. Heading 6109 is "T-shirts, singlets and other '
        'vests; knitted or crocheted": its subheadings are 610910, 610990.'
    )


def test_a_long_code_is_explained_by_its_first_six_digits() -> None:
    message = nomenclature().unknown_message("6109990010")

    assert message.startswith(
        'The first six digits of 6109990010, "610999", are not an HS 2022 subheading. '
        "Heading 6109 is"
    )


def test_without_a_heading_the_chapter_is_named_with_a_few_of_its_headings() -> None:
    message = nomenclature().unknown_message("619900")

    assert message == (
        '"619900" is not an HS 2022 subheading. Chapter 61 is "Apparel and clothing '
        'accessories; knitted or crocheted": its headings are 6101, 6102, 6103, 6104, 6105, '
        "6106 and 11 more."
    )


def test_a_code_outside_every_chapter_says_so() -> None:
    assert nomenclature().unknown_message("770000") == (
        '"770000" is not an HS 2022 subheading, and there is no chapter 77 in HS 2022.'
    )


# --- search ---------------------------------------------------------------------------------


def test_cotton_t_shirt_ranks_610910_first() -> None:
    assert codes("cotton t-shirt")[0] == "610910"


@pytest.mark.parametrize("spelling", ["t-shirt", "tshirt", "t shirt", "T-Shirts", "TSHIRTS"])
def test_t_shirt_is_found_however_it_is_written(spelling: str) -> None:
    assert codes(spelling, limit=2) == ["610910", "610990"]


def test_words_of_other_than_do_not_match() -> None:
    # 610990 is "… of textile materials (other than cotton)": not cotton.
    found = {m.entry.code: m for m in nomenclature().search("cotton t-shirt")}

    assert found["610910"].matched == 2
    assert found["610990"].matched == 1


def test_green_tea_finds_090210_ranked_high() -> None:
    assert "090210" in codes("green tea", limit=3)


def test_subheadings_matching_every_word_come_before_those_matching_some() -> None:
    matches = nomenclature().search("roasted coffee decaffeinated", limit=40)

    assert matches[0].entry.code == "090122"  # Coffee; roasted, decaffeinated
    counts = [m.matched for m in matches]
    assert counts == sorted(counts, reverse=True)


def test_words_in_the_subheadings_own_description_weigh_more_than_in_its_heading() -> None:
    # "singlets" is in 6109's heading and both subheadings; "cotton" only in 610910's own text.
    found = {m.entry.code: m.score for m in nomenclature().search("cotton")}

    assert found["610910"] > found.get("610990", 0)


def test_plurals_and_word_starts_are_folded() -> None:
    assert codes("scarf silk", limit=1) == ["621410"]
    assert "070200" in codes("tomato", limit=5)  # "Vegetables; tomatoes, fresh or chilled"
    assert "520100" in codes("cotto", limit=10)  # typing: "cotto" → cotton


def test_digits_list_the_subheadings_starting_with_them_in_code_order() -> None:
    assert codes("6109") == ["610910", "610990"]
    assert codes("6109.10") == ["610910"]
    assert codes("61091000") == ["610910"]
    assert codes("0902", limit=100) == ["090210", "090220", "090230", "090240"]


def test_digits_among_words_narrow_the_search_to_that_chapter() -> None:
    found = codes("cotton 62", limit=100)

    assert found and all(code.startswith("62") for code in found)


@pytest.mark.parametrize("query", ["", "   ", "of the", "zzzqqq", "999"])
def test_queries_with_nothing_to_find_give_no_results(query: str) -> None:
    assert codes(query) == []


def test_tokens_fold_case_plurals_hyphens_and_stopwords() -> None:
    assert term_groups("Cotton T-shirts, of boys' knives") == [
        ("cotton",),
        ("tshirt", "shirt"),
        ("boy",),
        ("knife",),
    ]


def test_a_search_is_fast_enough_for_every_keystroke() -> None:
    hs = nomenclature()
    queries = ["c", "co", "cot", "cott", "cotton", "cotton t", "cotton t-s", "cotton t-shirt"]
    start = time.perf_counter()
    for _ in range(10):
        for query in queries:
            hs.search(query, limit=10)
    per_search = (time.perf_counter() - start) / (10 * len(queries))

    assert per_search < 0.01  # 10 ms; typically well under 1 ms


def test_load_reads_the_files_it_is_given(tmp_path: object) -> None:
    from pathlib import Path

    directory = Path(str(tmp_path))
    (directory / "sections.csv").write_text("section,name\nXI,Textiles\n")
    (directory / "hs2022.csv").write_text(
        "code,section,parent,description\n61,XI,,Knitted apparel\n6109,XI,61,T-shirts\n"
        '610910,XI,6109,"T-shirts; of cotton"\n'
    )

    hs = load(directory)

    assert [m.entry.code for m in hs.search("cotton tshirt")] == ["610910"]
    assert hs.children == {"61": ("6109",), "6109": ("610910",)}
