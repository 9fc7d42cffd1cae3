"""The hicolor PNG sizes of the application icon, rendered from its SVG with Qt at build time."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QIcon

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def main(svg: str, hicolor: str, name: str) -> int:
    app = QGuiApplication([sys.argv[0]])  # noqa: F841 (pixmaps need the application object)
    icon = QIcon(svg)
    if icon.isNull():
        print(f"{svg}: not a readable SVG", file=sys.stderr)
        return 1
    for size in SIZES:
        folder = Path(hicolor) / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        if not icon.pixmap(size, size).save(str(folder / f"{name}.png"), "PNG"):
            print(f"could not write the {size} px icon", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
