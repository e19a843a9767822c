"""Órdenes del calificador: ``python -m autograder release [LECCIÓN ...]``."""

from __future__ import annotations

import argparse
import sys

from autograder.course import lessons, release


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description="Calificador del curso.")
    commands = parser.add_subparsers(dest="command", required=True)
    release_cmd = commands.add_parser("release", help="Genera course/ desde solutions/ (nbgrader generate_assignment).")
    release_cmd.add_argument("lessons", nargs="*", help="Lecciones (por defecto, todas).")
    args = parser.parse_args(argv)
    if args.command == "release":
        for lesson in args.lessons or lessons():
            print(f"Publicando {lesson} -> {release(lesson)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
