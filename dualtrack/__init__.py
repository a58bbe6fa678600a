"""dualtrack: 统筹推进疫情防控和经济社会发展调度平台 (dual-track command platform)."""

__version__ = "0.1.0"
