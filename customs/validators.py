"""Field validators built on the HS 2022 nomenclature."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from customs.nomenclature import nomenclature

_WELL_FORMED = re.compile(r"^[0-9]{6,10}\Z")


@deconstructible
class HsSubheadingValidator:
    """The first six digits of an HS code must be a real HS 2022 subheading.

    Codes that are not 6 to 10 digits are left to the format validator, so a bad code gets one
    message, not two. The message names the nearest heading and its subheadings.
    """

    code = "hs_subheading"

    def __call__(self, value: object) -> None:
        if not isinstance(value, str) or not _WELL_FORMED.match(value):
            return
        hs = nomenclature()
        if not hs.is_subheading(value):
            raise ValidationError(hs.unknown_message(value), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HsSubheadingValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_hs_subheading = HsSubheadingValidator()
