"""Lista los paquetes de un requirements.txt que no están instalados (mensaje en español e inglés)."""

import re
import sys
from importlib import metadata


def main(requirements: str) -> int:
    missing = []
    with open(requirements, encoding="utf-8") as lines:
        wanted = lines.read().splitlines()
    for line in wanted:
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):
            continue
        name = re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0]
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(line)
    if missing:
        print("Faltan / Missing:", ", ".join(missing))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "requirements.txt"))
