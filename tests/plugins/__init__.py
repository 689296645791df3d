"""Example plugins, installed in tests through their entry-point groups (never imported by groupsim itself)."""
