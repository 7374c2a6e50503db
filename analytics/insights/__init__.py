"""Aggregates of a view in words: facts, the offline engine, Gemini and ask-your-data."""
