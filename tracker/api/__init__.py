"""Plumbing shared by every endpoint of the API: authentication, permissions, throttling, pagination, errors."""
