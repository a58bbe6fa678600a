"""The supplies' datasets (DOMAIN.md §10, §17): written by a helper, registered here."""
