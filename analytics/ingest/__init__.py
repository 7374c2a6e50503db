"""Reading files, mapping columns to roles, cleaning values, generating demo cohorts."""
