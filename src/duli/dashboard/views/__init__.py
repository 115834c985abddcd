"""The merchant dashboard's views: thin, staff-only, and every write goes through a service."""
