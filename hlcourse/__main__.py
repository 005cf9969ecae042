"""`python -m hlcourse ...`: the same as the `hlcourse` command."""

from hlcourse.cli import main

raise SystemExit(main())
