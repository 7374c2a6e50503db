"""A school's figures against reference figures (national statistics, a local authority, a trust)."""
