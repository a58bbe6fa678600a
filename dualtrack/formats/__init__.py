"""Date formats that differ from Django's for our languages (FORMAT_MODULE_PATH); anything not set here
falls back to Django's own locale formats."""
