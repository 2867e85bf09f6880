"""The build compiles the translation catalogs (orderwatch/locale/*/LC_MESSAGES/*.po) into .mo files the wheel
carries, with Babel, as `orderwatch.i18n.compile_po` does for a source checkout. Everything else is in
pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the .po files themselves
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(Path("orderwatch/locale").glob("*/LC_MESSAGES/*.po")):
            target = Path(self.build_lib) / po.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as src, target.open("wb") as out:
                write_mo(out, read_po(src), use_fuzzy=False)


setup(cmdclass={"build_py": BuildWithCatalogs})
