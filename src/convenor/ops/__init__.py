"""Running Convenor for real: the job queue and its workers, health, backup and restore."""
