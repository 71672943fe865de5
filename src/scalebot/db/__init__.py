"""Storage: SQLAlchemy models, engine and session setup, repositories, migrations."""
