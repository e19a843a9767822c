"""Ejecutar algo como un usuario sin privilegios, como lo haría un instructor en su portátil o en
JupyterHub (``jovyan``). CI corre como root: se crea el usuario con ``useradd`` y se usa ``runuser``.

Mientras dura, el camino hasta el intérprete y el repositorio se deja atravesar por otros
usuarios (en CI, ``/root`` tiene permisos 700); al salir se devuelve como estaba.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import REPO

USER = "calificador-prueba"


def closed_ancestors(paths) -> list[Path]:
    """Carpetas que otros usuarios no pueden atravesar en el camino a ``paths`` (p. ej. ``/root``)."""
    closed: list[Path] = []
    for path in paths:
        current = Path("/")
        for part in Path(path).resolve().parts[1:]:
            current = current / part
            if current.is_dir() and not current.stat().st_mode & 0o001 and current not in closed:
                closed.append(current)
    return closed


@contextlib.contextmanager
def unprivileged_user(home: Path):
    """``(runuser, env)`` para ejecutar órdenes como :data:`USER`, con ``home`` como carpeta personal.

    Salta la prueba, diciendo por qué, si no somos root o si el sistema no deja a un usuario normal
    crear espacios de usuario (entonces el calificador se niega a correr sin ``--sin-aislamiento``).
    """
    if os.geteuid() != 0 or not shutil.which("runuser") or not shutil.which("useradd"):
        pytest.skip("hace falta ser root (como en CI) para crear un usuario sin privilegios con useradd/runuser")
    if subprocess.run(["id", USER], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--system", "--shell", "/usr/sbin/nologin", USER], check=True)
    home.mkdir(parents=True, exist_ok=True)
    shutil.chown(home, USER)
    closed = closed_ancestors([sys.base_prefix, sys.prefix, REPO, home])
    for folder in closed:
        folder.chmod(folder.stat().st_mode | 0o001)
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    try:
        probe = subprocess.run(
            [
                shutil.which("runuser"),
                "-u",
                USER,
                "--",
                sys.executable,
                "-m",
                "autograder.sandbox",
                "--probe",
                str(home / "ensayo"),
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=home,
        )
        if probe.stdout.strip() != "ok":
            pytest.skip(f"este sistema no deja a un usuario normal crear espacios de usuario: {probe.stdout}")
        yield [shutil.which("runuser"), "-u", USER, "--"], env
    finally:
        for folder in closed:
            folder.chmod(folder.stat().st_mode & ~0o001)
