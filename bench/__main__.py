"""Run every benchmark: ``python -m bench`` (``make bench``), or one: ``python -m bench api``."""

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    available = sorted(info.name for info in pkgutil.iter_modules([str(here)]) if not info.name.startswith("_"))
    chosen = argv or available
    unknown = set(chosen) - set(available)
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; available: {', '.join(available)}")
        return 2
    for name in chosen:
        print(f"== bench/{name} ==", flush=True)
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
