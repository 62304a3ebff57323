import sys

from batchship.cli import main

sys.exit(main())
