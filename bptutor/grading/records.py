"""The grader's secrets and memory, kept in the output folder where no sandbox can see it.

``DIR/.bptutor-grade/key`` (created once, mode 0600) is a random key. It seeds each
submission's trials (HMAC of the key and the notebook's bytes: fresh for every notebook,
unpredictable without the key, the same when the same notebook is graded again -- so a
resumed run, and a Dask run into the same folder, draw exactly the same trials) and it
signs the progress records: ``DIR/.bptutor-grade/records/<key>.json`` (mode 0600) holds one
graded submission and an HMAC over it; a record whose HMAC does not match, or that cannot
be read, is graded again, never reused.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets

from .jobs import Record
from .submissions import read_capped

MAX_RECORD_BYTES = 16 * 2**20


def write_private(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temporary name, then ``os.replace``), mode 0600."""
    folder = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(folder, f".tmp-{secrets.token_hex(8)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Progress:
    """The key and the signed records of one output folder."""

    def __init__(self, out_dir: str, salt: str):
        self.folder = os.path.join(out_dir, ".bptutor-grade")
        self.records = os.path.join(self.folder, "records")
        for folder in (self.folder, self.records):
            os.makedirs(folder, mode=0o700, exist_ok=True)
            os.chmod(folder, 0o700)
        self.key = self._key()
        self.salt = salt

    def _key(self) -> bytes:
        path = os.path.join(self.folder, "key")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            key, _ = read_capped(path, 4096)
            if len(key) < 32:
                raise OSError(f"{path} is not a bptutor key (delete it to start a new gradebook)") from None
            return key
        key = secrets.token_bytes(32)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        return key

    def _mac(self, text: bytes) -> str:
        return hmac.new(self.key, text, hashlib.sha256).hexdigest()

    def trial_seed(self, digest: str, assignment: str) -> int:
        """The seed of a submission's trials."""
        return int(self._mac(f"trials|{assignment}|{digest}".encode())[:16], 16)

    def record_key(self, digest: str, assignment: str) -> str:
        """Where a submission's record lives: the notebook's bytes, its assignment, the grader's version and options."""
        return self._mac(f"record|{self.salt}|{assignment}|{digest}".encode())[:32]

    def get(self, key: str) -> Record | None:
        """The signed record, or ``None`` (missing, unreadable, tampered with, or of another grader)."""
        try:
            raw, _ = read_capped(os.path.join(self.records, f"{key}.json"), MAX_RECORD_BYTES)
            stored = json.loads(raw.decode("utf-8"))
            body = json.dumps(stored["record"], sort_keys=True, ensure_ascii=True).encode()
            if not hmac.compare_digest(str(stored["mac"]), self._mac(body)):
                return None
            return Record.from_dict(stored["record"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, record: Record) -> None:
        body = record.to_dict()
        text = json.dumps(body, sort_keys=True, ensure_ascii=True).encode()
        write_private(os.path.join(self.records, f"{key}.json"),
                      json.dumps({"record": body, "mac": self._mac(text)}, ensure_ascii=True).encode())
