"""Simplified Chinese: "2月19日", as official documents write it (Django's default is "02月19日"); amounts grouped by
thousands with "," (12,345.00) where a page asks for grouping (``intcomma``, ``floatformat:"2g"``), as the
statistical tables and the 争资 figures write them (Django's default for zh_Hans groups nothing)."""

MONTH_DAY_FORMAT = "n月j日"
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
