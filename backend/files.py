"""A stored file's identity: its bytes kept once under their content hash, and a dataset id per way of
reading them (the file itself; a workbook's chosen sheet; either with a person's column choices, backend/choices.py).
"""
from __future__ import annotations

import hashlib

from analytics.ingest.read import check_size

from . import identity
from .auth.access import LOCAL, owner_of, readable
from .choices import CHOICE_SEP, content_id


class Files:
    """Mixed into DatasetStore, whose `cache` holds ("file", content hash) and ("meta", dataset id) entries."""

    def add(self, data: bytes, filename: str, sheet: str | None = None) -> str:
        """Keep the file; return its dataset id. Raises DataError for an empty or oversized file.

        The id is the content hash, and for a workbook read at a chosen `sheet`, a hash of both: each sheet
        is a dataset of its own, while the bytes are kept once. Once people sign in, the id also hashes who
        uploaded it (school and person, its owner): the same bytes from two schools are two datasets, each
        with its own filename."""
        check_size(len(data), filename, self.max_bytes)
        content = hashlib.sha256(data).hexdigest()[:24]
        if ("file", content) not in self.cache:
            self.cache.set(("file", content), data)
        who = identity.current()
        owner = owner_of(who)
        base = content if who in (None, LOCAL) else hashlib.sha256(
            f"{content}\0{owner['school']}\0{owner['uploader']}".encode()).hexdigest()[:24]
        return self._name(content, filename, len(data), sheet, base, owner)

    def _name(self, content: str, filename: str, size: int, sheet: str | None, base: str, owner: dict) -> str:
        sheet = str(sheet) if sheet is not None and str(sheet).strip() else None
        dataset_id = base if sheet is None else hashlib.sha256(f"{base}\0{sheet}".encode()).hexdigest()[:24]
        self.cache.set(("meta", dataset_id), {"filename": filename, "size": size, "content": content, "sheet": sheet,
                                              "base": base, "owner": owner})
        return dataset_id

    def owner(self, dataset_id: str) -> dict | None:
        """{"school", "uploader"} of a dataset (the server, for one kept before owners were recorded); None for
        an unknown one."""
        meta = self.cache.get(("meta", content_id(dataset_id)))
        return None if meta is None else meta.get("owner") or owner_of(LOCAL)

    def root(self, dataset_id: str) -> str:
        """The dataset as uploaded, whichever sheet or column choices this id reads it with (what is shared)."""
        base = content_id(dataset_id)
        return (self.cache.get(("meta", base)) or {}).get("base", base)

    def with_sheet(self, dataset_id: str, sheet: str) -> str:
        """The dataset id of another sheet of a stored workbook (the bytes are not stored again). KeyError
        when the dataset is gone."""
        meta = self.cache.get(("meta", content_id(dataset_id)))
        if not meta or not self.has(dataset_id):
            raise KeyError(dataset_id)
        return self._name(self._content(dataset_id), meta["filename"], meta["size"], sheet,
                          meta.get("base", self._content(dataset_id)), meta.get("owner") or owner_of(LOCAL))

    def _content(self, dataset_id: str) -> str:
        """The stored bytes' key: a sheet's dataset and a dataset read with choices both read their file's."""
        base = content_id(dataset_id)
        return (self.cache.get(("meta", base)) or {}).get("content", base)

    def sheet(self, dataset_id: str) -> str | None:
        """The sheet asked for when the dataset was named (None: the workbook's default, or a CSV)."""
        return (self.cache.get(("meta", content_id(dataset_id))) or {}).get("sheet")

    def has(self, dataset_id: str | None) -> bool:
        """True for a stored dataset that the person asking may read: another school's answers as an unknown."""
        if not dataset_id:
            return False
        if CHOICE_SEP in dataset_id and ("choices", dataset_id) not in self.cache:
            return False
        return ("file", self._content(dataset_id)) in self.cache and readable(self, dataset_id)
