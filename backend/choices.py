"""A person's column choices as part of a dataset's identity, and the choices remembered per header layout.

A dataset id is the file's content id (a hex hash) alone, or followed by "m" and a short hash of the choices'
canonical JSON (letters and digits only, as the page's address wants; "m" is no hex digit). Every result
cached under the id (core analysis, outliers, risk model, map) then belongs to that content read with those
choices, and going back to earlier choices finds its results again.
"""
from __future__ import annotations

import hashlib
import json

from analytics.ingest.mapping import layout_key
from analytics.ingest.read import read_bytes

from . import identity

CHOICE_SEP = "m"


def content_id(dataset_id: str) -> str:
    """The dataset a dataset id reads with choices (the id itself, or the part before its choices' hash): a
    file's content id, or a workbook sheet's id."""
    return dataset_id.split(CHOICE_SEP, 1)[0]


def canonical(choices: dict) -> str:
    return json.dumps(choices, sort_keys=True, separators=(",", ":"))


def _layout_key(key: str) -> tuple:
    who = identity.current()
    return ("layout", key) if who in (None, identity.LOCAL) else ("layout", who.school, key)


class Choices:
    """Mixed into DatasetStore: a person's choices, ("choices", dataset id) and ("layout", layout key), are kept
    in its `durable` cache, which never evicts; ("layout-of", content id), computed, in its `cache`."""

    def with_choices(self, dataset_id: str, choices: dict | None) -> str:
        """The dataset id of a stored file read with a person's column choices (analytics.ingest.mapping
        .apply_choices): the file's content id plus a short hash of the choices' canonical JSON, so every cached
        result (core analysis, outliers, risk, map) is keyed by content and choices together. No choices: the
        file's own id. Raises KeyError for an unknown file."""
        content = content_id(dataset_id)  # a sheet's dataset id, for a workbook
        if not self.has(content):
            raise KeyError(dataset_id)
        if not choices:
            return content
        text = canonical(choices)
        derived = f"{content}{CHOICE_SEP}{hashlib.sha256(text.encode()).hexdigest()[:12]}"
        if ("choices", derived) not in self.durable:
            self.durable.set(("choices", derived), json.loads(text))
        return derived

    def choices(self, dataset_id: str | None) -> dict | None:
        """The column choices a dataset id was made with (None: the detected mapping)."""
        if not dataset_id or CHOICE_SEP not in dataset_id:
            return None
        return self.durable.get(("choices", dataset_id))

    def remember_layout(self, key: str, choices: dict | None) -> None:
        """Keep the choices made for a header layout (analytics.ingest.mapping.layout_key); None forgets them.
        Once people sign in, each school's choices are its own."""
        if choices:
            self.durable.set(_layout_key(key), choices)
        else:
            self.durable.delete(_layout_key(key))

    def layout_choices(self, key: str) -> dict | None:
        return self.durable.get(_layout_key(key))

    def layout(self, dataset_id: str) -> str:
        """The header layout key of a stored file (analytics.ingest.mapping.layout_key), read once. Raises
        DataError for a file that cannot be read, KeyError for an unknown one."""
        content = content_id(dataset_id)
        key = self.cache.get(("layout-of", content))
        if key is None:
            data = self.raw(content)
            if data is None:
                raise KeyError(dataset_id)
            table = read_bytes(data, self.filename(content), self.max_bytes, self.sheet(content))
            key = layout_key([str(c) for c in table.frame.columns])
            self.cache.set(("layout-of", content), key)
        return key
