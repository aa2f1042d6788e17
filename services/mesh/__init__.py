"""Embedded mesh: broker, Ray Serve and every service on 127.0.0.1, as local processes."""
