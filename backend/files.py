"""A stored file's identity: its bytes kept once under their content hash (durably, backend/uploads.py), and a
dataset id per way of reading them (the file itself; a workbook's chosen sheet; either with a person's column
choices, backend/choices.py).

Once people sign in, a dataset also belongs to whoever uploaded it: its base id hashes the content with their
school and username, so the same bytes from two schools (or two people) are two datasets, each with its own
filename and its own access checks. What the server stores itself, or anyone stores before sign-in is set up,
keeps the content hash as its base id and is the server's.
"""
from __future__ import annotations

import hashlib

from analytics.ingest.read import check_size

from .auth.access import LOCAL, owner_of, readable
from .choices import CHOICE_SEP, content_id
from .identity import Identity
from .uploads import SYSTEM, Record, uploader

SERVER_SCHOOLS = ("", LOCAL.school)  # the system's and the local user's records: the server's datasets


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _own_base(content: str, school: str, username: str) -> str:
    return _hash(content, school, username)


def _is_server(who: Identity) -> bool:
    return who in (LOCAL, SYSTEM) or who.school in SERVER_SCHOOLS


class Files:
    """Mixed into DatasetStore, whose `uploads` (backend/uploads.py) keeps the files and their records."""

    def add(self, data: bytes, filename: str, sheet: str | None = None) -> str:
        """Keep the file; return its dataset id. Raises DataError for an empty or oversized file, DiskFull
        when the disk has no room for it.

        The id is the base id (see the module), and for a workbook read at a chosen `sheet`, a hash of it and
        the sheet: each sheet is a dataset of its own, while the bytes are kept once."""
        check_size(len(data), filename, self.max_bytes)
        content = self.content_hash(data)
        self.uploads.write(content, data, filename)
        who = uploader()
        base = content if _is_server(who) else _own_base(content, who.school, who.username)
        return self._name(content, filename, len(data), sheet, base, who)

    def upload(self, data: bytes, filename: str) -> str:
        """`add` for a person's upload: refused (QuotaExceeded) past their dataset or megabyte quota."""
        check_size(len(data), filename, self.max_bytes)
        self.uploads.check_quota(uploader(), self.content_hash(data), len(data), filename)
        return self.add(data, filename)

    @staticmethod
    def content_hash(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()[:24]

    def _name(self, content: str, filename: str, size: int, sheet: str | None, base: str, who: Identity) -> str:
        sheet = str(sheet) if sheet is not None and str(sheet).strip() else None
        dataset_id = base if sheet is None else _hash(base, sheet)
        self.uploads.record(dataset_id, content, filename, size, sheet, who)
        return dataset_id

    def meta(self, dataset_id: str) -> Record | None:
        """The upload record of a dataset (the asking person's own, else its first uploader's), or None."""
        base = content_id(dataset_id)
        found = self.uploads.meta(base, uploader().username)
        return found if found is not None else self._upgrade(base)

    def _upgrade(self, dataset_id: str) -> Record | None:
        """A dataset an earlier version kept in the cache ("meta" and "file" entries): its file moves to the
        uploads and gets its record (for the owner it recorded), once."""
        old = self.cache.get(("meta", dataset_id))
        if not isinstance(old, dict) or "content" not in old:
            return None
        content = old["content"]
        data = self.uploads.read(content) or self.cache.get(("file", content))  # a sheet's file moved already
        if data is None:
            return None
        owner = old.get("owner")
        who = Identity(owner["uploader"], owner["school"], "teacher") if isinstance(owner, dict) else uploader()
        self.uploads.write(content, data, old.get("filename"))
        self.uploads.record(dataset_id, content, old.get("filename") or dataset_id, len(data), old.get("sheet"), who)
        self.cache.delete(("meta", dataset_id))
        self.cache.delete(("file", content))
        return self.uploads.meta(dataset_id)

    @staticmethod
    def _root_of(dataset_id: str, record: Record) -> str:
        """The base id a record's dataset was named from: its content (the server's), or its owner's own."""
        for base in (record.content, _own_base(record.content, record.school, record.owner)):
            if dataset_id == base or (record.sheet is not None and dataset_id == _hash(base, record.sheet)):
                return base
        return dataset_id

    def root(self, dataset_id: str) -> str:
        """The dataset as uploaded, whichever sheet or column choices this id reads it with (what is shared)."""
        base = content_id(dataset_id)
        record = self.meta(base)
        return base if record is None else self._root_of(base, record)

    def owner(self, dataset_id: str) -> dict | None:
        """{"school", "uploader"} of a dataset: the server for one named by its content alone (the demo, a file
        stored before sign-in); None for an unknown one."""
        record = self.meta(dataset_id)
        if record is None:
            return None
        if self._root_of(content_id(dataset_id), record) == record.content:
            return owner_of(LOCAL)
        return {"school": record.school, "uploader": record.owner}

    def with_sheet(self, dataset_id: str, sheet: str) -> str:
        """The dataset id of another sheet of a stored workbook (the bytes are not stored again); it belongs to
        whoever the workbook's dataset belongs to. KeyError when the dataset is gone or not the person's."""
        meta = self.meta(dataset_id)
        if not meta or not self.has(dataset_id):
            raise KeyError(dataset_id)
        base = self._root_of(content_id(dataset_id), meta)
        who = uploader() if base == meta.content else Identity(meta.owner, meta.school, "teacher")
        return self._name(meta.content, meta.filename, meta.size, sheet, base, who)

    def _content(self, dataset_id: str) -> str:
        """The stored bytes' key: a sheet's dataset and a dataset read with choices both read their file's."""
        meta = self.meta(dataset_id)
        return meta.content if meta else content_id(dataset_id)

    def raw(self, dataset_id: str) -> bytes | None:
        """The bytes a dataset reads."""
        return self.uploads.read(self._content(dataset_id))

    def sheet(self, dataset_id: str) -> str | None:
        """The sheet asked for when the dataset was named (None: the workbook's default, or a CSV)."""
        meta = self.meta(dataset_id)
        return meta.sheet if meta else None

    def has(self, dataset_id: str | None) -> bool:
        """True for a stored dataset that the person asking may read: another school's answers as an unknown."""
        if not dataset_id or not isinstance(dataset_id, str):
            return False
        if CHOICE_SEP in dataset_id and ("choices", dataset_id) not in self.durable:
            return False
        meta = self.meta(dataset_id)  # a file alone, with no record naming it, is nobody's dataset
        return meta is not None and self.uploads.has_file(meta.content) and readable(self, dataset_id)
