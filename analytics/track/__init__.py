"""Several terms' files of one cohort, linked by student id: who joined and left, persona moves, subject change."""
from analytics.track.tracking import Tracking, track, track_files

__all__ = ["Tracking", "track", "track_files"]
