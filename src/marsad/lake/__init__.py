"""The Parquet lake (one folder per store table, partitioned by publication month): see layout.py."""
