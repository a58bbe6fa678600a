"""The import framework (数据导入): CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX, all-or-nothing,
every error listed by row and column, idempotent by natural key, files streamed.

Apps declare a :class:`Dataset` and register it; the web upload page, ``dualtrack import`` and the
.xlsx templates all come from that one declaration.
"""

from .base import (
    CellError,
    Column,
    Dataset,
    ImportErrorItem,
    ImportResult,
    Row,
    RowContext,
    get_dataset,
    register,
    registered_datasets,
    run_import,
)
from .upsert import upsert

__all__ = [
    "CellError",
    "Column",
    "Dataset",
    "ImportErrorItem",
    "ImportResult",
    "Row",
    "RowContext",
    "get_dataset",
    "register",
    "registered_datasets",
    "run_import",
    "upsert",
]
