"""Simplified Chinese: "2月19日", as official documents write it (Django's default is "02月19日")."""

MONTH_DAY_FORMAT = "n月j日"
