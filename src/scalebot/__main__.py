"""Run the scalebot CLI with ``python -m scalebot``."""

from scalebot.cli import main

main()
