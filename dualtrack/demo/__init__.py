"""The demo city (示范城市): deterministic, realistic data for every capability."""
