"""Shared framework: scoping, audit, imports, rules, calendar. Depends on no other dualtrack app."""
