"""Output serializers of the HS 2022 nomenclature (GET /api/v1/hs-codes/…)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from customs.nomenclature import Entry, nomenclature


class HsLevelOutput(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()


class HsSectionOutput(serializers.Serializer):
    code = serializers.CharField(help_text="Roman numeral, e.g. XI.")
    description = serializers.CharField()


class HsCodeOutput(serializers.Serializer):
    code = serializers.CharField(help_text="2 digits (chapter), 4 (heading) or 6 (subheading).")
    level = serializers.ChoiceField(choices=["chapter", "heading", "subheading"])
    description = serializers.CharField()
    heading = HsLevelOutput(allow_null=True, help_text="Null for a chapter or a heading.")
    chapter = HsLevelOutput(allow_null=True, help_text="Null for a chapter.")
    section = HsSectionOutput()


class HsCodeDetailOutput(HsCodeOutput):
    children = HsLevelOutput(
        many=True, help_text="A chapter's headings, a heading's subheadings; none for a subheading."
    )


def _level(entry: Entry | None) -> dict[str, str] | None:
    return None if entry is None else {"code": entry.code, "description": entry.description}


def hs_code_data(entry: Entry, *, children: bool = False) -> dict[str, Any]:
    """What the API says of a chapter, heading or subheading."""
    hs = nomenclature()
    section = hs.sections[entry.section]
    data: dict[str, Any] = {
        "code": entry.code,
        "level": entry.level,
        "description": entry.description,
        "heading": _level(hs.heading_of(entry.code)) if len(entry.code) > 4 else None,
        "chapter": _level(hs.chapter_of(entry.code)) if len(entry.code) > 2 else None,
        "section": {"code": section.code, "description": section.description},
    }
    if children:
        data["children"] = [_level(hs.entries[code]) for code in hs.children.get(entry.code, ())]
    return data
