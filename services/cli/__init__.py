"""The `cinemesh` command line."""
