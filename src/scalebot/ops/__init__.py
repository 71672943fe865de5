"""Operating the bot: health checks, Prometheus metrics and log setup (imports no other layer)."""
