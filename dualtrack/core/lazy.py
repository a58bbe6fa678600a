"""A heavy library loaded when first used, not when the module naming it is imported (#27 §4, start-up).

Application loading imports every app's services, imports, cards and bulletin sections; their analytics and
document libraries (Ibis, DuckDB, PyArrow, SciPy, NumPy, openpyxl, python-docx …) are needed only when a
picture is computed or a file read or written. ``lazy("pyarrow")`` stands for the module until one of its
attributes is read, then imports it (once) and answers from it::

    if TYPE_CHECKING:
        import pyarrow as pa
    else:
        pa = lazy("pyarrow")

The stand-in is not put in ``sys.modules``: the library counts as imported only once something used it
(``tests/test_startup.py``). A submodule the package does not import itself (``pa.compute``) is imported
when read. A library's attributes are kept on the stand-in once read (a cell writer reads
``openpyxl.cell.WriteOnlyCell`` per cell at a plain attribute's cost); a dualtrack module's (the bulletin's
renderer, the power pipeline) are read from the module every time, so a name patched there is seen.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


class LazyModule(types.ModuleType):
    """The module ``name``, imported at the first attribute read."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["_lazy_keep"] = not name.startswith("dualtrack.")

    def __getattr__(self, attr: str) -> Any:
        module = sys.modules.get(self.__name__) or importlib.import_module(self.__name__)
        try:
            value = getattr(module, attr)
        except AttributeError:
            # ``pa.compute``: a submodule that the package does not import itself (before, whichever library
            # was imported first had imported it), imported here as ``import pyarrow.compute`` would
            try:
                value = importlib.import_module(f"{self.__name__}.{attr}")
            except ModuleNotFoundError as missing:
                if missing.name != f"{self.__name__}.{attr}":
                    raise
                raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}") from None
        if self._lazy_keep:
            setattr(self, attr, value)
        return value

    def __dir__(self) -> list[str]:
        return dir(importlib.import_module(self.__name__))

    def __repr__(self) -> str:
        return f"<lazy module {self.__name__!r}>"


def lazy(name: str) -> Any:
    """A stand-in for the module ``name`` (a dotted name: "scipy.stats"), imported when first used."""
    return LazyModule(name)
