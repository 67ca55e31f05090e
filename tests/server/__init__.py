"""The server: hardening, payload fuzzing, Redis, gunicorn under load and faults, the Docker image."""
