"""Phones at the edges (#28 §4), in a real browser on a 390×844 phone.

- 扫码: the temperature is cleared after each passenger; the worker's name and photo-free hints (ID number's and
  phone's last four) are shown with the verdict; accepted and refused differ in colour, words, sound and vibration;
  the page answers in place (so the camera and the sound's permission stay).
- The QR fallback where the browser has no BarcodeDetector: the vendored jsQR reads the slip's code (made by segno,
  as the printed slips are) from the camera's video (Chromium's fake camera playing the code), and the boarding
  is recorded.
- The enterprise's 惠企政策 page and a problem's photo previews (tests/test_policies.py, tests/test_problems.py hold
  the access checks; here the page's length on a phone is measured).
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest

from .conftest import City
from .test_browser import ARTIFACTS, sign_in
from .test_browser_pages import fits, phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


# Records what the page asks of the vibrator and the sound card (the headless browser has neither to hear).
SPIES = """
window.__vibrations = [];
window.__tones = 0;
try {
  Object.defineProperty(Navigator.prototype, "vibrate", { configurable: true,
    value: function (pattern) { window.__vibrations.push(pattern); return true; } });
} catch (e) {}
if (window.AudioContext) {
  const create = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () { window.__tones += 1; return create.call(this); };
}
"""
NO_DETECTOR = "delete window.BarcodeDetector;"  # as on iOS Safari and desktop Chromium on Linux


def y4m_of(png: bytes, path: Path) -> Path:
    """One 640×480 frame (YUV 4:2:0, grey) of ``png`` centred on white, as Chromium's fake camera plays it."""
    from PIL import Image

    code = Image.open(io.BytesIO(png)).convert("L")
    frame = Image.new("L", (640, 480), 255)
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    chroma = bytes([128]) * (320 * 240)
    path.write_bytes(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\nFRAME\n" + frame.tobytes() + chroma + chroma)
    return path


def qr_png(text: str, scale: int = 8) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def phone(camera: Path | None = None, init: str = SPIES) -> Any:
    """The shared phone (test_browser_pages.phone_page) with the spies on sound and vibration and, if given, a fake
    camera playing ``camera``; the console's errors count too."""
    args = [] if camera is None else ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                                      f"--use-file-for-fake-video-capture={camera}"]
    return phone_page(args, init=init, console_errors=True)


@pytest.fixture
def trip(city: City, monkeypatch: pytest.MonkeyPatch) -> City:
    """Binhai sends three workers to Jiangbei's enterprise on T1 (W002's attestation is fine, its fever is not)."""
    from dualtrack.workreturn import services
    from dualtrack.workreturn.models import Trip, Worker

    from .test_workreturn import WORKER_HEADER, load

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    hq, target = city.users["hq"], city.e_jiangbei.uscc
    rows = [WORKER_HEADER]
    for n, name in enumerate(["马建军", "马海", "马三"], start=1):
        rows.append([f"W00{n}", name, f"1390000{n:04d}", f"3391061990010{n:04d}"[:17] + "X", "339106100201",
                     target, "否", "14天无外出证明", "2020-02-10"])
    assert load(hq, "workers", rows).ok
    assert load(hq, "trips", [["车次编号", "出发地区划代码", "目的企业信用代码", "出发时间", "车牌号", "核载座位"],
                              ["T1", "339106", target, "2020-02-15 07:00", "宁B12345", 44]]).ok
    services.set_manifest(hq, Trip.objects.get(code="T1"), list(Worker.objects.order_by("code")))
    return city


def _scan_typed(page: Any, temperature: str, code: str) -> Any:
    from playwright.sync_api import expect

    page.fill("#id_temperature", temperature)
    page.fill("#id_code", code)
    before = page.evaluate("window.__tones")
    page.get_by_role("button", name="确认").click()
    page.wait_for_function("n => window.__tones > n && !document.querySelector('#scan-form[aria-busy]')", arg=before)
    outcome = page.locator("#scan-outcome")
    expect(outcome).to_be_visible()
    return outcome


def test_boarding_scans_clear_the_temperature_and_tell_accepted_from_refused(live_server: Any, trip: City) -> None:
    from playwright.sync_api import expect

    from dualtrack.workreturn.models import Boarding, Worker

    token = Worker.objects.get(code="W001").slip_token
    with phone() as (page, errors):
        sign_in(page, live_server.url, "binhai")
        page.goto(f"{live_server.url}/worker-return/scan/?mode=boarding&trip=T1")
        page.evaluate("window.__samePage = true")  # gone if the page were loaded again

        accepted = _scan_typed(page, "36.6", token)
        expect(accepted).to_have_attribute("data-outcome", "accepted")
        expect(accepted.locator(".verdict")).to_have_text("✔ 准予上车")
        expect(page.locator("#scan-name")).to_have_text("马建军")  # the home county sees the name whole
        expect(page.locator("#scan-id-tail")).to_have_text("001X")
        expect(page.locator("#scan-phone-tail")).to_have_text("0001")
        expect(page.locator("#scan-temperature")).to_have_text("36.6 ℃")
        expect(page.locator("#id_temperature")).to_have_value("")  # ready for the next passenger
        expect(page.locator("#id_code")).to_have_value("")
        expect(page.locator("#id_trip")).to_have_value("T1")  # the trip stays
        green = accepted.evaluate("e => getComputedStyle(e).backgroundColor")
        assert page.evaluate("window.__vibrations") == [120]
        assert page.evaluate("window.__tones") == 2  # the rising double beep
        fits(page)
        page.screenshot(path=str(ARTIFACTS / "phone-scan-accepted.png"))

        refused = _scan_typed(page, "37.5", "W002")
        expect(refused).to_have_attribute("data-outcome", "refused")
        expect(refused.locator(".verdict")).to_have_text("✖ 不准上车")
        expect(refused.locator(".reason")).to_contain_text("37.3")
        expect(page.locator("#scan-name")).to_have_text("马海")
        expect(page.locator("#id_temperature")).to_have_value("")  # 37.5 does not stay for the next one
        red = refused.evaluate("e => getComputedStyle(e).backgroundColor")
        assert red != green and {green, red} == {"rgb(27, 94, 32)", "rgb(183, 28, 28)"}
        assert page.evaluate("window.__vibrations") == [120, [400, 150, 400]]  # the long double buzz
        assert page.evaluate("window.__tones") == 4
        page.screenshot(path=str(ARTIFACTS / "phone-scan-refused.png"))

        # Nothing recorded (an unknown slip): no verdict, the message says why, the temperature stays to retry.
        page.fill("#id_temperature", "36.4")
        page.fill("#id_code", "NOPE")
        page.get_by_role("button", name="确认").click()
        expect(page.locator("main .messages")).to_contain_text("未找到该三联单")
        expect(page.locator("#scan-outcome")).to_have_count(0)
        expect(page.locator("#id_temperature")).to_have_value("36.4")
        assert page.evaluate("document.body.dataset.lastSignal") == "error"
        assert page.evaluate("window.__samePage") is True
    assert errors == [], errors
    events = list(Boarding.objects.order_by("pk").values_list("worker__code", "allowed", "temperature"))
    assert [(w, a, str(t)) for w, a, t in events] == [("W001", True, "36.6"), ("W002", False, "37.5")]


def test_the_qr_fallback_decodes_a_slip_without_barcodedetector(live_server: Any, trip: City, tmp_path: Path) -> None:
    """No BarcodeDetector: jsQR reads a segno code from an image, and from the camera's video, which boards."""
    from playwright.sync_api import expect

    from dualtrack.workreturn.models import Boarding, Worker

    token = Worker.objects.get(code="W003").slip_token
    camera = y4m_of(qr_png(token, scale=6), tmp_path / "slip.y4m")
    with phone(camera, SPIES + NO_DETECTOR) as (page, errors):
        sign_in(page, live_server.url, "binhai")
        page.goto(f"{live_server.url}/worker-return/scan/?mode=boarding&trip=T1")
        assert page.evaluate("'BarcodeDetector' in window") is False
        assert page.evaluate("typeof window.jsQR") == "undefined"  # loaded only when the camera is used
        camera_button = page.get_by_role("button", name="用摄像头扫码")
        expect(camera_button).to_be_visible()

        # The camera: the fake device plays the code; the page reads a frame, fills the code and boards.
        page.fill("#id_temperature", "36.4")
        camera_button.click()
        outcome = page.locator("#scan-outcome")
        expect(outcome).to_have_attribute("data-outcome", "accepted", timeout=15000)
        expect(page.locator("#scan-name")).to_have_text("马三")
        expect(page.locator("#scan-video")).to_be_hidden()  # the camera is stopped once the code is read
        expect(page.locator("#id_temperature")).to_have_value("")
        assert page.evaluate("window.__vibrations") == [120]
        assert page.evaluate("typeof window.jsQR") == "function"  # the page loaded the vendored decoder

        # The decoder alone, on an image of a slip's code (the printed slips' segno settings).
        image = "data:image/png;base64," + base64.b64encode(qr_png(token)).decode()
        decoded = page.evaluate("""async (image) => {
            const img = new Image(); img.src = image; await img.decode();
            const canvas = document.createElement("canvas"); canvas.width = img.width; canvas.height = img.height;
            const context = canvas.getContext("2d"); context.drawImage(img, 0, 0);
            const frame = context.getImageData(0, 0, img.width, img.height);
            const found = jsQR(frame.data, frame.width, frame.height);
            return found && found.data;
        }""", image)
        assert decoded == token

    assert errors == [], errors
    boarding = Boarding.objects.get(worker__code="W003")
    assert boarding.allowed and str(boarding.temperature) == "36.4"


def test_a_problems_photos_preview_side_by_side_on_a_phone(live_server: Any, city: City,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Two photos and a PDF on a problem: on a 390 px phone the previews load (480 px wide, made from the photos),
    two to a row, the page no wider than the phone; the PDF is a link; a tap on a preview opens the photo."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from dualtrack.problems import services as problems

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    enterprise = city.users["enterprise"]
    problem = problems.report(enterprise, "厂区门口道路设卡，原料车进不来", enterprise=city.e_jiangbei)
    for n, colour in enumerate([(200, 40, 40), (40, 120, 200)]):
        out = io.BytesIO()
        Image.new("RGB", (1600, 1200), colour).save(out, format="JPEG")
        problems.attach(problem, SimpleUploadedFile(f"现场照片{n + 1}号_很长的文件名称.jpg", out.getvalue(), "image/jpeg"),
                        enterprise)
    problems.attach(problem, SimpleUploadedFile("函.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"), enterprise)
    with phone() as (page, errors):
        sign_in(page, live_server.url, "enterprise")
        page.goto(f"{live_server.url}/problems/{problem.ref}/")
        images = page.locator("#attachments img")
        assert images.count() == 2
        page.locator("#attachments").scroll_into_view_if_needed()
        page.wait_for_function("() => [...document.querySelectorAll('#attachments img')]"
                               ".every(i => i.complete && i.naturalWidth > 0)")
        assert page.evaluate("[...document.querySelectorAll('#attachments img')].map(i => i.naturalWidth)") == [480, 480]
        first, second = (images.nth(i).bounding_box() for i in range(2))
        assert first["y"] == second["y"] and second["x"] > first["x"] + first["width"]  # side by side
        fits(page)
        assert page.locator("#attachments a", has_text="函.pdf").count() == 1
        with page.context.expect_page() as opened:
            images.first.click()
        photo = opened.value
        photo.wait_for_load_state()
        assert photo.url.endswith("?view=photo") and photo.evaluate("document.images[0].naturalWidth") == 1600
    assert errors == [], errors
