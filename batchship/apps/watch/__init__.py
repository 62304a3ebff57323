"""apps.watch package."""
