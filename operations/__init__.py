"""What the people who run Sportello look at: health and readiness probes, Prometheus
metrics and structured logs (README, "Operations"). Above every app: it reads their
tables (the outbox) and no app imports it."""
