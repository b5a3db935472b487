import sys

from chs_core.cli import main

sys.exit(main())
