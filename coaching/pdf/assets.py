"""What the coaching PDF needs from the machine, fetched without root when it is missing.

Two things, both from Debian's packages, which ``make install`` fetches with ``apt-get download``
(no root needed) and unpacks into ``var/``:

- **A CJK font.** Store names, standards and comments are Chinese; without a CJK face every
  character renders as a box. We embed Noto Sans CJK SC (package ``fonts-noto-cjk``), taking the
  Simplified Chinese face out of the collection so ``@font-face`` can point at one file.
- **HarfBuzz's subsetter** (package ``libharfbuzz-subset0``). WeasyPrint embeds only the glyphs a
  PDF uses; without this library it falls back to fontTools, which takes about 9 s per PDF on a
  65,000-glyph CJK font instead of a few tens of milliseconds. It is optional: without it PDFs are
  still correct, only slow, and ``ensure`` says so.

Run ``python -m coaching.pdf.assets`` to fetch what is missing; it exits non-zero with the Debian
package to install when no font can be had.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
FONT_FILES = {400: "NotoSansSC-Regular.otf", 700: "NotoSansSC-Bold.otf"}
FONT_PACKAGE = "fonts-noto-cjk"
SUBSET_PACKAGE = "libharfbuzz-subset0"
SUBSET_LIBRARY = "libharfbuzz-subset.so.0"
_SYSTEM_COLLECTIONS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
    Path("/usr/share/fonts/google-noto-cjk"),
)


class MissingFont(RuntimeError):
    """No CJK font: Chinese text would render as boxes, so we refuse to render at all."""


def font_dir() -> Path:
    """Where the embedded font lives: ``INCOGNITO_FONT_DIR`` or ``var/fonts`` in the checkout."""
    configured = os.environ.get("INCOGNITO_FONT_DIR", "").strip()
    return Path(configured) if configured else BASE_DIR / "var" / "fonts"


def library_dir() -> Path:
    return BASE_DIR / "var" / "lib"


def font_paths() -> dict[int, Path]:
    """The font file per CSS weight; raises ``MissingFont`` naming the package to install."""
    directory = font_dir()
    paths = {weight: directory / name for weight, name in FONT_FILES.items()}
    missing = [path for path in paths.values() if not path.is_file()]
    if missing:
        raise MissingFont(
            f"The coaching PDF needs a CJK font and {missing[0]} is missing. Run `make install` (it fetches "
            f"Debian's {FONT_PACKAGE} without root), or install the package {FONT_PACKAGE} "
            f"(`apt-get install {FONT_PACKAGE}`) and run `python -m coaching.pdf.assets`, or point "
            f"INCOGNITO_FONT_DIR at a folder holding {' and '.join(FONT_FILES.values())}."
        )
    return paths


def preload_subsetter() -> bool:
    """Load HarfBuzz's subsetter from ``var/lib`` if the system has none, before WeasyPrint looks.

    WeasyPrint opens the library by its soname; once a library with that soname is loaded in the
    process, the dynamic loader hands it over instead of searching the system paths.
    """
    if ctypes.util.find_library("harfbuzz-subset"):
        return True
    local = library_dir() / SUBSET_LIBRARY
    if not local.is_file():
        return False
    ctypes.CDLL(str(local), mode=ctypes.RTLD_GLOBAL)
    return True


# --- Fetching ------------------------------------------------------------------------------------


def _download(package: str, into: Path) -> Path | None:
    """Download (not install) a Debian package into ``into``; None when apt is not available."""
    if not shutil.which("apt-get") or not shutil.which("dpkg-deb"):
        return None
    result = subprocess.run(
        ["apt-get", "download", "-q", package], cwd=into, capture_output=True, text=True, check=False
    )
    debs = sorted(into.glob(f"{package.split('=')[0]}_*.deb"))
    if result.returncode != 0 or not debs:
        print(f"  apt-get download {package} failed: {result.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    unpacked = into / "root"
    subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(unpacked)], check=True)
    return unpacked


def _collections(root: Path) -> dict[int, Path]:
    found = {}
    for weight, style in ((400, "Regular"), (700, "Bold")):
        for path in root.rglob(f"NotoSansCJK-{style}.ttc"):
            found[weight] = path
            break
    return found


def _extract_sc_faces(collections: dict[int, Path], target: Path) -> None:
    """Save the Simplified Chinese face of each collection as a standalone OpenType file."""
    from fontTools.ttLib import TTCollection

    target.mkdir(parents=True, exist_ok=True)
    for weight, collection_path in collections.items():
        collection = TTCollection(str(collection_path), lazy=True)
        face = next(font for font in collection.fonts if font["name"].getDebugName(1) == "Noto Sans CJK SC")
        partial = target / (FONT_FILES[weight] + ".part")
        face.save(str(partial))
        partial.replace(target / FONT_FILES[weight])


def ensure_font() -> Path:
    target = font_dir()
    if all((target / name).is_file() for name in FONT_FILES.values()):
        return target
    for directory in _SYSTEM_COLLECTIONS:
        found = _collections(directory) if directory.is_dir() else {}
        if len(found) == len(FONT_FILES):
            print(f"Taking the CJK font from {directory}")
            _extract_sc_faces(found, target)
            return target
    print(f"Fetching the CJK font (Debian package {FONT_PACKAGE}, about 57 MB) into {target} ...")
    with tempfile.TemporaryDirectory() as scratch:
        unpacked = _download(FONT_PACKAGE, Path(scratch))
        found = _collections(unpacked) if unpacked else {}
        if len(found) != len(FONT_FILES):
            raise MissingFont(
                f"Could not get a CJK font for the coaching PDF. Install the Debian package {FONT_PACKAGE} "
                f"(`sudo apt-get install {FONT_PACKAGE}`; on Fedora google-noto-sans-cjk-fonts) and run "
                f"`make install` again, or set INCOGNITO_FONT_DIR to a folder holding "
                f"{' and '.join(FONT_FILES.values())}."
            )
        _extract_sc_faces(found, target)
    return target


def _installed_version(package: str) -> str | None:
    if not shutil.which("dpkg-query"):
        return None
    result = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=False)
    return result.stdout.strip() or None


def ensure_subsetter() -> bool:
    if ctypes.util.find_library("harfbuzz-subset") or (library_dir() / SUBSET_LIBRARY).is_file():
        return True
    # The subsetter must come from the same HarfBuzz build as the system's libharfbuzz.
    version = _installed_version("libharfbuzz0b")
    package = f"{SUBSET_PACKAGE}={version}" if version else SUBSET_PACKAGE
    with tempfile.TemporaryDirectory() as scratch:
        unpacked = _download(package, Path(scratch))
        libraries = sorted(unpacked.rglob(f"{SUBSET_LIBRARY}*")) if unpacked else []
        real = [path for path in libraries if path.is_file() and not path.is_symlink()]
        if not real:
            print(
                f"Warning: HarfBuzz's subsetter is missing, so each coaching PDF takes seconds instead of a "
                f"fraction of one. Install the package {SUBSET_PACKAGE} (`sudo apt-get install {SUBSET_PACKAGE}`).",
                file=sys.stderr,
            )
            return False
        library_dir().mkdir(parents=True, exist_ok=True)
        shutil.copyfile(real[0], library_dir() / SUBSET_LIBRARY)
    return True


def main() -> int:
    try:
        directory = ensure_font()
    except MissingFont as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    fast = ensure_subsetter()
    print(f"PDF assets ready: CJK font in {directory}; font subsetting {'fast' if fast else 'slow'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
