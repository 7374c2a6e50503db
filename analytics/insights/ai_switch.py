"""Whether words may be written by an AI provider (Gemini), decided in one place.

Today: when the server has a Gemini key. A per-school switch (set by an administrator) is to be read here too,
so every caller (insights, the counsellor's view, the report) follows it without changes of its own.
"""
from __future__ import annotations

from analytics.insights.gemini import api_key


def ai_enabled(school: str | None = None) -> bool:
    """True when Gemini may write for `school` (None: the server's default)."""
    return bool(api_key())


def ai_key(school: str | None = None) -> str:
    """The key to pass to the Gemini helpers: "" (the built-in engine) when AI is off for this school."""
    return (api_key() or "") if ai_enabled(school) else ""
