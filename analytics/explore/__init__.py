"""Views of a fitted analysis: filters, breakdowns, the table's queries, neighbours, profiles, exports."""
