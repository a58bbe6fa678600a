"""Files built to hurt: each is refused with a clear message naming what is wrong, nothing is written, no
server error, bounded time (#13 §2). Also the scope defects of the enterprise import."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dualtrack.core.imports import get_dataset, run_import
from dualtrack.core.imports.base import ImportResult
from dualtrack.registry.models import Enterprise, Park

from .conftest import City, new_uscc
from .helpers import ENTERPRISE_HEADER, csv_bytes, enterprise_row, xlsx_bytes


def imp(name: str, data: bytes, user: Any, filename: str = "upload.csv") -> ImportResult:
    dataset = get_dataset(name)
    assert dataset is not None
    return run_import(dataset, io.BytesIO(data), filename, user)


def messages(result: ImportResult) -> str:
    return " | ".join(str(e) for e in result.errors)


def _rewrite_xlsx(data: bytes, part: str, transform: Any, extra: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info.filename, transform(body) if info.filename == part else body)
        for name, body in (extra or {}).items():
            target.writestr(name, body)
    return out.getvalue()


def _valid_xlsx(city: City) -> bytes:
    return xlsx_bytes([ENTERPRISE_HEADER, enterprise_row(new_uscc("339102"), "正常企业")])


class TestScope:
    def test_park_operator_cannot_put_a_park_row_in_another_county(self, city: City) -> None:
        """Before: a row was accepted when either its park or its county matched."""
        row = enterprise_row(new_uscc("339106"), "跨区企业", county="339106", park="GXQ")
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, row]), city.users["park"])
        assert not result.ok and [(e.row, e.column) for e in result.errors] == [(2, "园区代码")]
        assert "不在区县 339106 内" in messages(result)
        assert not Enterprise.objects.filter(name="跨区企业").exists()

    def test_park_operator_cannot_move_a_park_enterprise_out_of_its_county(self, city: City) -> None:
        moved = enterprise_row(city.e_jiangbei_park.uscc, city.e_jiangbei_park.name, county="339106", park="GXQ",
                               industry="C3971")
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, moved]), city.users["park"])
        assert not result.ok
        city.e_jiangbei_park.refresh_from_db()
        assert city.e_jiangbei_park.county == city.jiangbei

    def test_district_operator_cannot_use_another_countys_park(self, city: City) -> None:
        Park.objects.create(code="BHJK", name="滨海经开区", county=city.binhai)
        row = enterprise_row(city.e_jiangbei.uscc, city.e_jiangbei.name, county="339102", park="BHJK")
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, row]), city.users["district"])
        assert [(e.row, e.column) for e in result.errors] == [(2, "园区代码")]
        city.e_jiangbei.refresh_from_db()
        assert city.e_jiangbei.park is None

    def test_park_operator_imports_its_park_in_its_county(self, city: City) -> None:
        row = enterprise_row(new_uscc("339102"), "园区新企业", county="339102", park="GXQ")
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, row]), city.users["park"])
        assert result.ok and result.created == 1


class TestCells:
    def test_name_longer_than_its_field(self, city: City) -> None:
        row = enterprise_row(new_uscc("339102"), "长" * 5000)
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, row]), city.users["hq"])
        assert [(e.row, e.column) for e in result.errors] == [(2, "企业名称")]
        assert "长度 5000 超过上限 200 个字符" in messages(result)

    def test_nul_byte_in_a_name(self, city: City) -> None:
        row = enterprise_row(new_uscc("339102"), "有\x00空字符的企业")
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, row]), city.users["hq"])
        assert [(e.row, e.column) for e in result.errors] == [(2, "企业名称")]
        assert "U+0000" in messages(result)

    def test_integer_too_large_for_the_database(self, city: City) -> None:
        row = enterprise_row(new_uscc("339102"), "大数企业", headcount="99999999999999999999")
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, row]), city.users["hq"])
        assert [(e.row, e.column) for e in result.errors] == [(2, "正常用工人数")]
        assert "数值过大" in messages(result)

    def test_decimal_that_is_not_finite_or_too_large(self, city: City) -> None:
        from dualtrack.core.imports import parsers

        for raw in ("1e999999", "NaN", "Infinity", "1000000000000"):
            with pytest.raises(parsers.CellError):
                parsers.decimal_number(raw)
        assert parsers.decimal_number("999999999999.99") > 0

    def test_rejected_file_counts_nothing_as_created(self, city: City) -> None:
        """Rows are written in batches of 2,000; a bad row after the first batch rolls everything back and the
        result says 0 created (it used to say 2000)."""
        rows = [enterprise_row(new_uscc("339102"), f"批量企业{i}") for i in range(2100)]
        rows.append(enterprise_row("NOT-A-CREDIT-CODE", "坏行"))
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, *rows]), city.users["hq"])
        assert not result.ok
        assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
        assert result.as_dict()["created"] == 0
        assert not Enterprise.objects.filter(name__startswith="批量企业").exists()


class TestFiles:
    def test_csv_field_over_the_csv_limit(self, city: City) -> None:
        data = csv_bytes([ENTERPRISE_HEADER, enterprise_row(new_uscc("339102"), "a"),
                          enterprise_row(new_uscc("339102"), "x" * 140_000)])
        result = imp("enterprises", data, city.users["hq"])
        assert not result.ok and "第3行" in messages(result) and "131072" in messages(result)

    def test_broken_xlsx(self, city: City) -> None:
        result = imp("enterprises", b"PK\x03\x04" + b"\x00garbage" * 100, city.users["hq"], "broken.xlsx")
        assert not result.ok and "不是有效的 .xlsx" in messages(result)

    def test_xlsx_with_a_truncated_sheet(self, city: City) -> None:
        data = _rewrite_xlsx(_valid_xlsx(city), "xl/worksheets/sheet1.xml", lambda body: body[: len(body) // 2])
        result = imp("enterprises", data, city.users["hq"], "truncated.xlsx")
        assert not result.ok and ".xlsx" in messages(result)

    def test_xlsx_carrying_a_dtd(self, city: City) -> None:
        def with_dtd(body: bytes) -> bytes:
            return b'<?xml version="1.0"?><!DOCTYPE worksheet SYSTEM "http://127.0.0.1:9/evil.dtd">' + body

        data = _rewrite_xlsx(_valid_xlsx(city), "xl/worksheets/sheet1.xml", with_dtd)
        result = imp("enterprises", data, city.users["hq"], "dtd.xlsx")
        assert not result.ok and "DTD" in messages(result) and "sheet1.xml" in messages(result)

    def test_billion_laughs_xlsx(self, city: City) -> None:
        entities = b'<!ENTITY lol "lol">' + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))

        def laughs(body: bytes) -> bytes:
            name = "正常企业".encode("ascii", "xmlcharrefreplace")
            assert name in body
            return b"<!DOCTYPE lolz [" + entities + b"]>" + body.replace(name, b"&lol9;", 1)

        data = _rewrite_xlsx(_valid_xlsx(city), "xl/worksheets/sheet1.xml", laughs)
        result = imp("enterprises", data, city.users["hq"], "laughs.xlsx")
        assert not result.ok and "DTD" in messages(result)

    def test_dtd_hidden_behind_a_long_comment(self, city: City) -> None:
        def padded(body: bytes) -> bytes:
            return b'<?xml version="1.0"?><!--' + b" " * 200_000 + b'--><!DOCTYPE x [<!ENTITY a "b">]>' + body

        data = _rewrite_xlsx(_valid_xlsx(city), "xl/worksheets/sheet1.xml", padded)
        result = imp("enterprises", data, city.users["hq"], "padded.xlsx")
        assert not result.ok and "DTD" in messages(result)

    def test_decompression_bomb_xlsx(self, city: City) -> None:
        """A small .xlsx that unpacks to more than IMPORT_MAX_UNPACKED_BYTES (256 MB by default) is refused from
        its directory, before anything is decompressed."""
        out = io.BytesIO()
        valid = zipfile.ZipFile(io.BytesIO(_valid_xlsx(city)))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
            for info in valid.infolist():
                target.writestr(info.filename, valid.read(info))
            with target.open("xl/media/padding.bin", "w", force_zip64=True) as member:
                block = b"\0" * (1 << 20)
                for _ in range(300):
                    member.write(block)
        data = out.getvalue()
        assert len(data) < 2 * 1024 * 1024
        result = imp("enterprises", data, city.users["hq"], "bomb.xlsx")
        assert not result.ok and "解压后过大" in messages(result)

    def test_row_limit(self, city: City, settings: Any) -> None:
        settings.IMPORT_MAX_ROWS = 5
        rows = [enterprise_row(new_uscc("339102"), f"行数企业{i}") for i in range(6)]
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, *rows]), city.users["hq"])
        assert not result.ok and "5 行的上限" in messages(result)
        assert result.created == 0 and not Enterprise.objects.filter(name__startswith="行数企业").exists()

    def test_upload_size_limit(self, city: City, settings: Any) -> None:
        settings.IMPORT_MAX_UPLOAD_BYTES = 1000
        rows = [enterprise_row(new_uscc("339102"), f"大小企业{i}") for i in range(40)]
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, *rows]), city.users["hq"])
        assert not result.ok and "文件过大" in messages(result)


class TestSameRuleOnPageAndApi:
    def test_suffix_refused_by_api_and_page_alike(self, client: Any, city: City) -> None:
        data = csv_bytes([ENTERPRISE_HEADER, enterprise_row(new_uscc("339102"), "后缀企业")])
        auth = {"HTTP_AUTHORIZATION": f"Token {city.token('hq')}"}
        api = client.post(reverse("api-import", args=["enterprises"]),
                          {"file": SimpleUploadedFile("payload.exe", data)}, **auth)
        assert api.status_code == 422 and "只接受 .xlsx 或 .csv 文件" in api.json()["errors"][0]["message"]
        client.force_login(city.users["hq"])
        page = client.post(reverse("import_upload", args=["enterprises"]),
                           {"file": SimpleUploadedFile("payload.exe", data)})
        assert page.status_code == 200 and "只接受 .xlsx 或 .csv 文件" in page.content.decode()
        assert not Enterprise.objects.filter(name="后缀企业").exists()
