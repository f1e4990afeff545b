"""``python -m alignkit``: the same as the ``alignkit`` command."""

from alignkit.cli import main

if __name__ == "__main__":  # pragma: no branch
    main()
