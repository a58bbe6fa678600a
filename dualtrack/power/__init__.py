"""Power-based resumption (复工电力指数): readings stored columnar, baselines, daily indicators.

Readings never become ORM rows: they live as Parquet (one file per day under
``$DUALTRACK_HOME/power/readings/YYYY-MM-DD/``) and are computed on through Ibis, on in-process
DuckDB by default or on Apache Spark (``POWER_ENGINE=spark``) with the same pipeline definition.
"""
