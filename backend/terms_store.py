"""Terms and references kept server-side: a set of linked terms, its tracking, and a school's reference figures.

A term set is its members' dataset ids in term order; its id is a hash of them, so linking the same files again
finds the same set and its cached tracking. Every member remembers the set it was last linked into, so whichever
term the dashboard shows, the Over time section finds its set. The tracking (the first term's personas applied to
the later ones) is computed by a background job (callbacks/terms.py) under the set's lock; until then `tracking`
raises NotReady. A failure (no common ids, a term missing a column) is cached as its message.

A reference CSV is kept per dataset and, for a school, as its latest: a new upload of the same school finds it.
"""
from __future__ import annotations

import hashlib

from analytics.compare.reference import Reference, read_reference
from analytics.errors import DataError
from analytics.explore.filters import parse_move
from analytics.ingest.read import read_bytes
from analytics.track import Tracking, track
from analytics.track import over_time

from .identity import current
from .locks import dataset_lock, is_locked

TERMS_VERSION = 1  # bump when the tracking output changes
MAX_TERMS = 12


class TermsNotReady(Exception):
    """The tracking of a term set is being computed by its background job."""


class Terms:
    """Mixed into DatasetStore (its `cache` for computed tracking, `durable` for the links and references a
    person made, `raw`, `directory`, `has`, `filename`, `choices`, `max_bytes`)."""

    def link_term(self, dataset_id: str, added_id: str) -> str:
        """The set of `dataset_id`'s terms (or `dataset_id` alone) with `added_id` as its latest term. Raises
        DataError for a term already in the set or too many terms."""
        if not self.has(dataset_id) or not self.has(added_id):  # unknown, or not this person's to read
            raise DataError("this dataset is no longer on the server; upload it again")
        members = list(self.term_members(self.term_set(dataset_id)) or [dataset_id])
        if added_id in members:
            raise DataError("is already one of this dataset's terms; add the next term's export",
                            file=self.filename(added_id))
        if len(members) >= MAX_TERMS:
            raise DataError(f"this dataset has {MAX_TERMS} terms already, the most one set can link")
        return self.save_terms(members + [added_id])

    def save_terms(self, members: list[str]) -> str:
        set_id = hashlib.sha256("\0".join(members).encode()).hexdigest()[:20]
        self.durable.set(("terms", set_id), list(members))
        for member in members:
            self.durable.set(("terms-of", member), set_id)
        return set_id

    def term_set(self, dataset_id: str | None) -> str | None:
        """The set a dataset was last linked into (None: it stands alone, or is not this person's to read)."""
        return self.durable.get(("terms-of", dataset_id)) if dataset_id and self.has(dataset_id) else None

    def term_members(self, set_id: str | None) -> list[str] | None:
        """The set's dataset ids in term order; None for an unknown set or one with a term this person may not
        read (sign-in: a set id of another school answers as an unknown one)."""
        members = self.durable.get(("terms", set_id)) if set_id else None
        return members if members and all(self.has(member) for member in members) else None

    @staticmethod
    def _tracking_key(set_id: str, personas: int) -> tuple:
        return ("tracking", TERMS_VERSION, set_id, int(personas))

    def has_tracking(self, set_id: str, personas: int) -> bool:
        return self._tracking_key(set_id, personas) in self.cache

    def tracking_busy(self, set_id: str, personas: int) -> bool:
        return is_locked(self.directory, *self._tracking_key(set_id, personas))

    def tracking(self, set_id: str, personas: int) -> Tracking:
        """The cached tracking; TermsNotReady until its job ran, DataError with the reason it failed."""
        key = self._tracking_key(set_id, personas)
        if not self.term_members(set_id):
            raise TermsNotReady(set_id)  # as for a set that does not exist
        found = self._models.get(key)  # unpickled once per process: every Over time panel asks for it
        if found is None:
            found = self.cache.get(key)
            if found is None:
                raise TermsNotReady(set_id)
            self._models.put(key, found)
        if isinstance(found, dict):
            raise DataError(found["error"])
        return found

    def track_terms(self, set_id: str, personas: int) -> Tracking | str:
        """The job: link the set's files (once, whoever asks) and cache the tracking or its failure."""
        if not self.term_members(set_id):
            return "these terms are no longer on the server; upload them again"
        key = self._tracking_key(set_id, personas)
        if key not in self.cache:
            with dataset_lock(self.directory, *key):
                if key not in self.cache:
                    self.cache.set(key, self._track(set_id, personas))
        found = self.cache.get(key)
        return found["error"] if isinstance(found, dict) else found

    def _track(self, set_id: str, personas: int):
        members = self.term_members(set_id)
        if not members:
            return {"error": "these terms are no longer on the server; upload them again"}
        try:
            tables = []
            for member in members:
                data = self.raw(member)
                if data is None:
                    return {"error": f"{self.filename(member)} is no longer on the server; upload it again"}
                tables.append(read_bytes(data, self.filename(member), self.max_bytes, self.sheet(member)))
            # each term with the choices its own upload was read with (a later export may have another header
            # layout, mapped by hand or by its remembered layout); a term without any takes the first term's
            return track(tables, None, [self.choices(member) for member in members], int(personas))
        except DataError as err:
            return {"error": str(err)}

    def move_rows(self, dataset_id: str, value: str, personas: int):
        """0-based rows of the dataset's students who made the move `value` ("step:from>to", step 1 = T1 to T2),
        or None when the dataset has no tracked terms or the value is not a move."""
        step, source, target = parse_move(value)
        set_id = self.term_set(dataset_id)
        if step is None or set_id is None:
            return None
        try:
            tracking = self.tracking(set_id, personas)
        except (TermsNotReady, DataError):
            return None
        analysis = self.analysis(dataset_id, personas)
        return over_time.rows_of(analysis, tracking.id_column, over_time.move_ids(tracking, step - 1, source, target))

    # reference figures
    @staticmethod
    def _school() -> str:
        who = current()
        return who.school if who else ""

    def save_reference(self, dataset_id: str, data: bytes, filename: str) -> Reference:
        """Check and keep a reference for the dataset and the school. Raises DataError naming file/column/row."""
        reference = read_reference(data, filename)
        entry = {"data": data, "filename": reference.filename}
        self.durable.set(("reference", dataset_id), entry)
        self.durable.set(("reference-school", self._school()), entry)
        return reference

    def reference(self, dataset_id: str | None) -> Reference | None:
        entry = self.durable.get(("reference", dataset_id)) if dataset_id else None
        entry = entry or self.durable.get(("reference-school", self._school()))
        return read_reference(entry["data"], entry["filename"]) if entry else None

    def forget_reference(self, dataset_id: str) -> None:
        self.durable.delete(("reference", dataset_id))
        self.durable.delete(("reference-school", self._school()))
