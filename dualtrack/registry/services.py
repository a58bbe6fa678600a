"""What other apps may use of the registry."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action

from .choices import RegionLevel, SizeClass
from .models import Department, ElectricityAccount, Enterprise, Industry, Park, Region


def counties() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.COUNTY).order_by("sort_order", "code")


def city() -> Region | None:
    return Region.objects.filter(level=RegionLevel.CITY).order_by("code").first()


def enterprises_for(user: Viewer, action: str = Action.VIEW) -> QuerySet[Enterprise]:
    return Enterprise.objects.restrict(user, action)


def parks(county_id: int | None = None) -> QuerySet[Park]:
    """The parks, or those of one county, in code order."""
    found = Park.objects.select_related("county").order_by("code")
    return found.filter(county_id=county_id) if county_id is not None else found


def park_county_id(park_id: int | None) -> int | None:
    if park_id is None:
        return None
    return Park.objects.filter(pk=park_id).values_list("county_id", flat=True).first()


def county_by_code(code: str) -> Region | None:
    return Region.objects.filter(level=RegionLevel.COUNTY, code=code).first()


def county_ids_by_code() -> dict[str, int]:
    return dict(Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", "id"))


def all_enterprises() -> QuerySet[Enterprise]:
    """Every enterprise, for the console and scheduled computations (no user)."""
    return Enterprise.objects.all()


def account_frame() -> Any:
    """Electricity accounts and their enterprise as an Arrow table (``account``, ``enterprise_id``)."""
    import pyarrow as pa

    rows = list(ElectricityAccount.objects.values_list("account_no", "enterprise_id"))
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[], []]
    return pa.table({"account": pa.array(columns[0], pa.string()), "enterprise_id": pa.array(columns[1], pa.int64())})


def enterprise_details(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Name, credit code, county and liaison officers of some enterprises (for lists and exports).

    Raw SQL in chunks: 数据核验 asks for every flagged enterprise of the city (7,600 at 200,000 enterprises) on each
    request, and the ORM spent more preparing a list that long, value by value, than the database spent answering
    (125 ms, of which 58 ms compiling each ``IN`` list)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    quote = connection.ops.quote_name
    through = Enterprise.liaison_officers.through
    enterprises, regions = quote(Enterprise._meta.db_table), quote(Region._meta.db_table)
    links, users = quote(through._meta.db_table), quote(get_user_model()._meta.db_table)
    user_column = quote(through._meta.get_field("user").column)
    enterprise_column = quote(through._meta.get_field("enterprise").column)
    details: dict[int, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(ids), DETAILS_CHUNK):
            chunk = [int(pk) for pk in ids[start:start + DETAILS_CHUNK]]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT e.id, e.uscc, e.name, r.name FROM {enterprises} e "  # noqa: S608 - names only
                           f"LEFT JOIN {regions} r ON r.id = e.county_id WHERE e.id IN ({marks})", chunk)
            for pk, uscc, name, county in cursor.fetchall():
                details[pk] = {"uscc": uscc, "name": name, "county": county, "liaisons": []}
            cursor.execute(f"SELECT l.{enterprise_column}, u.username FROM {links} l "  # noqa: S608 - names only
                           f"JOIN {users} u ON u.id = l.{user_column} WHERE l.{enterprise_column} IN ({marks})", chunk)
            for pk, officer in cursor.fetchall():
                details[pk]["liaisons"].append(officer)
    return details


DETAILS_CHUNK = 5000  # parameters per query: well under SQLite's 32,766 and PostgreSQL's 65,535


def park_names() -> dict[str, str]:
    return dict(Park.objects.values_list("code", "name"))


def park_counties() -> dict[str, str]:
    return dict(Park.objects.values_list("code", "county__code"))


def section_names() -> dict[str, str]:
    return dict(Industry.objects.filter(level="section").values_list("code", "name"))


def industry_groups() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """GB/T 4754-2017 for a picker: each section (门类: code, name) with its divisions (大类) as a lead or an
    enterprise writes them, the section's letter before the division's two digits (``C36``), in code order; named
    in the reader's language (the English name where the registry has one)."""
    from django.utils import translation

    english = (translation.get_language() or "").startswith("en")
    rows = [(code, (name_en if english and name_en else name), level, section) for code, name, name_en, level, section
            in Industry.objects.order_by("section", "code").values_list("code", "name", "name_en", "level", "section")]
    sections = [(code, name) for code, name, level, _section in rows if level == "section"]
    return [(code, name, [(f"{code}{d}", d_name) for d, d_name, level, section in rows
                          if level == "division" and section == code]) for code, name in sections]


def industry_codes() -> dict[str, str]:
    """Every way a GB/T 4754-2017 code of the registry may be written at the section or division level, to the
    code as a lead keeps it: ``C`` → ``C``, ``C36`` → ``C36``, ``36`` → ``C36`` (a division takes its section)."""
    codes: dict[str, str] = {}
    for code, level, section in Industry.objects.values_list("code", "level", "section"):
        if level == "section":
            codes[code] = code
        elif level == "division":
            codes[f"{section}{code}"] = codes[code] = f"{section}{code}"
    return codes


def industry_code_of(raw: str, codes: dict[str, str] | None = None) -> str | None:
    """``raw`` as a GB/T 4754-2017 section or division code of the registry (:func:`industry_codes`; ``codes``: that
    mapping read once for many), or None when there is none such (a division under another section's letter)."""
    return (industry_codes() if codes is None else codes).get((raw or "").strip().upper())


def size_class_names() -> dict[str, str]:
    return {size.value: str(size.label) for size in SizeClass}


def departments() -> QuerySet[Department]:
    return Department.objects.order_by("code")


def department_by_code(code: str) -> Department | None:
    return Department.objects.filter(code=code).first()


def park_counties_by_code() -> dict[str, tuple[int, int]]:
    """Park code → (park id, id of the county it lies in)."""
    return {code: (pk, county) for code, pk, county in Park.objects.values_list("code", "id", "county_id")}


def park_by_code(code: str) -> Park | None:
    return Park.objects.filter(code=code).first()


def enterprise_by_uscc(uscc: str) -> Enterprise | None:
    return Enterprise.objects.filter(uscc=uscc).first()


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def usccs(ids: Any) -> dict[int, str]:
    """Enterprise id → its unified social credit code, for the ids given."""
    return dict(Enterprise.objects.filter(pk__in=list(ids)).values_list("pk", "uscc"))


def enterprise_ids_by_uscc(codes: Any) -> dict[str, int]:
    return dict(Enterprise.objects.filter(uscc__in=list(codes)).values_list("uscc", "pk"))


def villages_with_counties() -> dict[str, tuple[int, int]]:
    """Village code → (village id, the id of the county it lies in: village → township → county)."""
    rows = Region.objects.filter(level=RegionLevel.VILLAGE, parent__parent__level=RegionLevel.COUNTY).values_list(
        "code", "id", "parent__parent_id")
    return {code: (pk, county) for code, pk, county in rows}


def townships_with_counties() -> dict[str, tuple[int, int]]:
    """Township code → (township id, its county's id)."""
    rows = Region.objects.filter(level=RegionLevel.TOWNSHIP, parent__level=RegionLevel.COUNTY).values_list(
        "code", "id", "parent_id")
    return {code: (pk, county) for code, pk, county in rows}


def region_names() -> dict[str, str]:
    return dict(Region.objects.values_list("code", "name"))


def shapes(parent_code: str | None = None) -> list[tuple[str, str, Any]]:
    """(code, name, GeoJSON geometry) of the counties (``parent_code`` None) or of the regions directly under
    ``parent_code`` (a county's townships, a township's villages), those with a boundary only, in the registry's
    order: what a map of that level can draw."""
    found = (Region.objects.filter(level=RegionLevel.COUNTY) if parent_code is None
             else Region.objects.filter(parent__code=parent_code))
    return [(code, name, geometry) for code, name, geometry in found.filter(geometry__isnull=False).order_by(
        "sort_order", "code").values_list("code", "name", "geometry")]


def enterprise_names(ids: Any) -> dict[int, str]:
    """Enterprise id → its name, for the ids given."""
    return dict(Enterprise.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def enterprise_places(ids: Any) -> dict[int, tuple[str, str, str, bool]]:
    """Enterprise id → (credit code, county code, park code or "", key enterprise), for the ids given."""
    return {pk: (uscc, county or "", park or "", key) for pk, uscc, county, park, key in
            Enterprise.objects.filter(pk__in=list(ids)).values_list("pk", "uscc", "county__code", "park__code",
                                                                     "is_key")}


def enterprises_by_ids(ids: Any) -> dict[int, Enterprise]:
    """The enterprises of ``ids`` by id (a file's rows acting on them)."""
    return Enterprise.objects.in_bulk(list(ids))


def county_of_region(region: Region) -> Region | None:
    """The county a region lies in (the county itself; a township's or a village's, up its parents); None for the
    city."""
    from .choices import RegionLevel

    current: Region | None = region
    while current is not None and current.level != RegionLevel.COUNTY:
        current = current.parent
    return current


def assessment_candidates(with_land: Any) -> list[tuple[int, str, str, str, str, str, bool]]:
    """Who may be in a year's 亩均 assessment (DOMAIN.md §18): the active 规上工业 enterprises, and the manufacturing
    (section C) enterprises among ``with_land`` (ids with land recorded for the year): (id, credit code, county
    code, park code, section, division code, 规上工业)."""
    from django.db.models import Q

    from .choices import SizeClass

    rows = Enterprise.objects.filter(Q(size_class=SizeClass.INDUSTRIAL_ABOVE) | Q(
        industry_section="C", pk__in=list(with_land)), is_active=True).values_list(
        "pk", "uscc", "county__code", "park__code", "industry_section", "industry_division__code", "size_class")
    return [(pk, uscc, county or "", park or "", section, division or "", size == SizeClass.INDUSTRIAL_ABOVE)
            for pk, uscc, county, park, section, division, size in rows]


def townships_and_villages(county: Region) -> list[tuple[Region, list[Region]]]:
    """A county, then each of its townships with its villages, in the registry's order: [(county, []), (township,
    [village, …]), …]."""
    from .choices import RegionLevel

    townships = list(Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP).order_by("sort_order", "code"))
    villages: dict[int, list[Region]] = {}
    for village in Region.objects.filter(parent__in=townships, level=RegionLevel.VILLAGE).order_by(
            "sort_order", "code"):
        villages.setdefault(village.parent_id, []).append(village)  # type: ignore[arg-type]
    return [(county, []), *((t, villages.get(t.pk, [])) for t in townships)]


def region_codes(ids: Any) -> dict[int, str]:
    """Region id → its code, for the ids given."""
    return dict(Region.objects.filter(pk__in=list(ids)).values_list("pk", "code"))
