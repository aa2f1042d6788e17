"""Gateway: the public jobs API, accounts and credits."""
