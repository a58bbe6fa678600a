"""Photos people upload (问题附件, 复工备案's answers and on-site checks): the one check that an upload is a real image
of bounded size (a small file may unpack to gigabytes of pixels: a decompression bomb), and the one preview made of
it (JPEG, upright by its EXIF orientation, on white)."""

from __future__ import annotations

import io
from typing import Any


class ImageRefused(ValueError):  # noqa: N818 - what the caller tells its user
    """``kind``: ``pixels`` (more than allowed; ``width`` and ``height`` when known) or ``broken`` (not an image)."""

    def __init__(self, kind: str, width: int = 0, height: int = 0) -> None:
        super().__init__(kind)
        self.kind, self.width, self.height = kind, width, height


def check(data: bytes, max_pixels: int) -> None:
    """Raise :class:`ImageRefused` unless ``data`` opens as an image of at most ``max_pixels`` pixels."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > max_pixels:
                    raise ImageRefused("pixels", image.width, image.height)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused("pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, ImageRefused):
            raise
        raise ImageRefused("broken") from exc


def preview_jpeg(source: Any, longest: int, max_pixels: int | None = None) -> bytes:
    """A preview of the image ``source`` (a path or a binary file): JPEG, at most ``longest`` pixels on its longer
    side, turned upright by its EXIF orientation, grey, palette and transparency on white. :class:`ImageRefused`
    for an image of more than ``max_pixels``."""
    from PIL import Image, ImageOps

    with Image.open(source) as image:
        if max_pixels is not None and image.width * image.height > max_pixels:
            raise ImageRefused("pixels", image.width, image.height)
        image.draft("RGB", (longest * 2, longest * 2))  # a JPEG decodes at a reduced scale: quick
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((longest, longest))
        if upright.mode != "RGB":
            rgba = upright.convert("RGBA")
            upright = Image.new("RGB", rgba.size, (255, 255, 255))
            upright.paste(rgba, mask=rgba.getchannel("A"))
        out = io.BytesIO()
        upright.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()
