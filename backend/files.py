"""A stored file's identity: its bytes kept once under their content hash (durably, backend/uploads.py), and a
dataset id per way of reading them (the file itself; a workbook's chosen sheet; either with a person's column
choices, backend/choices.py).
"""
from __future__ import annotations

import hashlib

from analytics.ingest.read import check_size

from .choices import CHOICE_SEP, content_id
from .uploads import uploader


class Files:
    """Mixed into DatasetStore, whose `uploads` (backend/uploads.py) keeps the files and their records."""

    def add(self, data: bytes, filename: str, sheet: str | None = None) -> str:
        """Keep the file; return its dataset id. Raises DataError for an empty or oversized file, DiskFull
        when the disk has no room for it.

        The id is the content hash, and for a workbook read at a chosen `sheet`, a hash of both: each sheet
        is a dataset of its own, while the bytes are kept once."""
        check_size(len(data), filename, self.max_bytes)
        content = self.content_hash(data)
        self.uploads.write(content, data, filename)
        return self._name(content, filename, len(data), sheet)

    def upload(self, data: bytes, filename: str) -> str:
        """`add` for a person's upload: refused (QuotaExceeded) past their dataset or megabyte quota."""
        check_size(len(data), filename, self.max_bytes)
        self.uploads.check_quota(uploader(), self.content_hash(data), len(data), filename)
        return self.add(data, filename)

    @staticmethod
    def content_hash(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()[:24]

    def _name(self, content: str, filename: str, size: int, sheet: str | None) -> str:
        sheet = str(sheet) if sheet is not None and str(sheet).strip() else None
        dataset_id = content if sheet is None else hashlib.sha256(f"{content}\0{sheet}".encode()).hexdigest()[:24]
        self.uploads.record(dataset_id, content, filename, size, sheet, uploader())
        return dataset_id

    def meta(self, dataset_id: str):
        """The upload record of a dataset (the asking person's own, else its first uploader's), or None."""
        base = content_id(dataset_id)
        found = self.uploads.meta(base, uploader().username)
        return found if found is not None else self._upgrade(base)

    def _upgrade(self, dataset_id: str):
        """A dataset an earlier version kept in the cache ("meta" and "file" entries): its file moves to the
        uploads and gets its record, once."""
        old = self.cache.get(("meta", dataset_id))
        if not isinstance(old, dict) or "content" not in old:
            return None
        content = old["content"]
        data = self.uploads.read(content) or self.cache.get(("file", content))  # a sheet's file moved already
        if data is None:
            return None
        self.uploads.write(content, data, old.get("filename"))
        self.uploads.record(dataset_id, content, old.get("filename") or dataset_id, len(data), old.get("sheet"),
                            uploader())
        self.cache.delete(("meta", dataset_id))
        self.cache.delete(("file", content))
        return self.uploads.meta(dataset_id)

    def with_sheet(self, dataset_id: str, sheet: str) -> str:
        """The dataset id of another sheet of a stored workbook (the bytes are not stored again). KeyError
        when the dataset is gone."""
        meta = self.meta(dataset_id)
        if not meta or not self.has(dataset_id):
            raise KeyError(dataset_id)
        return self._name(meta.content, meta.filename, meta.size, sheet)

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
        if not dataset_id or not isinstance(dataset_id, str):
            return False
        if CHOICE_SEP in dataset_id and ("choices", dataset_id) not in self.durable:
            return False
        return self.uploads.has_file(self._content(dataset_id))
