import sys

from batchship.apps.cli import main

sys.exit(main())
