"""Órdenes del calificador.

- ``python -m autograder release [LECCIÓN ...]``: sincroniza los enlaces a Colab y genera ``course/``
  desde ``solutions/``.
- ``python -m autograder student-dist DESTINO``: el árbol público para estudiantes, sin soluciones.
- ``python -m autograder grade LECCIÓN FUENTE [FUENTE ...] [--out DIR] [--jobs N] [--timeout S]
  [--cluster DIRECCIÓN]``: califica un lote (carpeta de ``<estudiante>.ipynb``, zip de Moodle o
  Canvas, o ``submitted/`` de nbgrader) en Dask (local, o en el clúster dado) y escribe
  ``DIR/grades.csv`` y ``DIR/feedback/<estudiante>.html``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder.course import lessons, release


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description="Calificador del curso.")
    commands = parser.add_subparsers(dest="command", required=True)
    release_cmd = commands.add_parser("release", help="Genera course/ desde solutions/ (nbgrader generate_assignment).")
    release_cmd.add_argument("lessons", nargs="*", help="Lecciones (por defecto, todas).")
    dist_cmd = commands.add_parser("student-dist", help="Construye el árbol para estudiantes (sin soluciones).")
    dist_cmd.add_argument("dest", type=Path, help="Carpeta de destino (se reemplaza).")
    export_cmd = commands.add_parser(
        "export", help="Vuelve a escribir grades.csv desde el libro de notas (con lo corregido a mano)."
    )
    export_cmd.add_argument("assignment", help="Lección, p. ej. 08_arquitecturas.")
    export_cmd.add_argument("--out", type=Path, default=Path("calificaciones"), help="Carpeta de resultados.")
    export_cmd.add_argument("--db", default=None, help="URL del libro de notas (por defecto, la del curso).")
    grade_cmd = commands.add_parser("grade", help="Califica un lote de entregas.")
    grade_cmd.add_argument("assignment", help="Lección (carpeta de solutions/), p. ej. 01_perceptron.")
    grade_cmd.add_argument("sources", nargs="+", type=Path, help="Carpeta, zip de Moodle/Canvas o submitted/.")
    grade_cmd.add_argument("--out", type=Path, default=Path("calificaciones"), help="Carpeta de resultados.")
    grade_cmd.add_argument("--jobs", type=int, default=os.cpu_count(), help="Procesos (por defecto, núcleos).")
    grade_cmd.add_argument(
        "--cluster",
        default=None,
        metavar="DIRECCIÓN",
        help="Calificar en un clúster de Dask que ya existe: tcp://nodo:8786 o un archivo de planificador "
        "(por defecto, uno local de --jobs procesos).",
    )
    grade_cmd.add_argument("--timeout", type=float, default=600, help="Segundos por cuaderno (0: sin límite).")
    grade_cmd.add_argument("--cell-timeout", type=int, default=None, help="Segundos por celda (Execute.timeout).")
    grade_cmd.add_argument(
        "--memory-mb", type=int, default=8192, help="Memoria virtual por proceso, MiB (0: sin límite)."
    )
    grade_cmd.add_argument("--cpu-seconds", type=int, default=0, help="Segundos de CPU por proceso (0: sin límite).")
    grade_cmd.add_argument("--processes", type=int, default=256, help="Procesos a la vez en cada caja.")
    grade_cmd.add_argument("--file-mb", type=int, default=256, help="Tamaño máximo de un archivo escrito, MiB.")
    grade_cmd.add_argument("--max-notebook-mb", type=int, default=50, help="Tamaño máximo de una entrega, MiB.")
    grade_cmd.add_argument(
        "--db", default=None, help="URL de SQLAlchemy del libro de notas (por defecto, la de nbgrader)."
    )
    grade_cmd.add_argument(
        "--sin-aislamiento",
        "--no-isolation",
        dest="no_isolation",
        action="store_true",
        help="Calificar sin aislar el código (macOS, sin espacios de usuario): solo entregas de confianza.",
    )
    grade_cmd.add_argument(
        "--idioma-moodle",
        "--moodle-language",
        dest="moodle_language",
        choices=("es", "en"),
        default="es",
        help="Idioma del sitio de Moodle: la hoja de calificaciones usa sus nombres de columna.",
    )
    grade_cmd.add_argument(
        "--tarea-canvas",
        "--canvas-assignment",
        dest="canvas_assignment",
        default="",
        help="Nombre de la tarea en Canvas.",
    )
    grade_cmd.add_argument("--quiet", action="store_true", help="Sin barra de progreso ni resumen.")
    args = parser.parse_args(argv)
    if args.command == "release":
        from autograder.distribution import sync_colab_links

        for path in sync_colab_links():
            print(f"Enlaces a Colab actualizados en {path}")
        for lesson in args.lessons or lessons():
            print(f"Publicando {lesson} -> {release(lesson)}")
        return 0
    if args.command == "student-dist":
        from autograder.distribution import build_student_dist

        print(f"Árbol para estudiantes en {build_student_dist(args.dest)}")
        return 0
    if args.command == "export":
        return export(args.assignment, args.out, args.db)
    from autograder.cluster import ClusterUnavailable
    from autograder.execute import IsolationRefused
    from autograder.grading import Settings, grade_batch
    from autograder.intake import IntakeLimits
    from autograder.sandbox import Limits

    if args.assignment not in lessons():
        parser.error(f"no existe la lección {args.assignment!r}; hay: {', '.join(lessons())}")
    settings = Settings(
        notebook_timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        limits=Limits(
            memory=args.memory_mb << 20,
            cpu=args.cpu_seconds,
            processes=args.processes,
            file_size=args.file_mb << 20,
        ),
        isolation="none" if args.no_isolation else "auto",
        intake=IntakeLimits(notebook_bytes=args.max_notebook_mb << 20),
        moodle_language=args.moodle_language,
        canvas_assignment=args.canvas_assignment,
    )
    try:
        results = grade_batch(
            args.assignment,
            args.sources,
            args.out,
            jobs=args.jobs,
            settings=settings,
            db_url=args.db,
            progress=not args.quiet,
            cluster=args.cluster,
        )
    except (IsolationRefused, ClusterUnavailable) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    print(f"Notas en {args.out / 'grades.csv'}; retroalimentación en {args.out / 'feedback'}/")
    return 0 if results else 1


def export(lesson: str, out: Path, db_url: str | None, root: Path | None = None) -> int:
    """``grades.csv`` desde el libro de notas: las notas automáticas y las puestas a mano en formgrader."""
    import nbformat

    from autograder import report
    from autograder.course import REPO, load_config
    from autograder.grading import automatic_points, results_from_gradebook

    root = root or REPO
    db_url = db_url or load_config(root).CourseDirectory.get("db_url") or f"sqlite:///{root / 'gradebook.db'}"
    released = nbformat.read(root / "course" / lesson / f"{lesson}.ipynb", as_version=4)
    results = results_from_gradebook(db_url, lesson, released)
    out.mkdir(parents=True, exist_ok=True)
    report.write_csv(out / "grades.csv", results, list(automatic_points(released)))
    pending = sum(1 for r in results if r.manual_pending)
    print(f"Notas de {len(results)} entregas en {out / 'grades.csv'} ({pending} con preguntas sin corregir).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
