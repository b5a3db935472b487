import sys

from chs_core.memory_pages import avoid_huge_page_stalls

avoid_huge_page_stalls()  # before numpy is imported

from chs_core.cli import main  # noqa: E402

sys.exit(main())
