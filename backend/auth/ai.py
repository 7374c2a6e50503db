"""The AI provider switch, per school: once people sign in, a school's figures go to the AI provider (Gemini)
only after its admin turned it on (`python app.py school NAME --ai on`). Without sign-in the server's key alone
decides, as before. Either way only the aggregates of analytics.insights.facts are sent."""
from __future__ import annotations

from analytics.insights import gemini
from backend.identity import LOCAL, current

from . import access

OFF = "The AI provider is off for this school; an admin can turn it on."


def switched_on(who=None) -> bool:
    who = who if who is not None else current()
    if who is None:
        return False
    if who == LOCAL or access._users is None:
        return True
    return access._users.setting(who.school, "ai", "off") == "on"


def api_key() -> str | None:
    """The AI provider's key for this request: "" when the school's switch is off (the built-in engine writes;
    not None, which the Gemini helpers read as "use the server's key")."""
    return gemini.api_key() if switched_on() else ""


def off_note() -> str | None:
    """What the insights panel adds to its engine line when the switch, not a missing key, keeps AI out."""
    return OFF if gemini.api_key() and not switched_on() else None
