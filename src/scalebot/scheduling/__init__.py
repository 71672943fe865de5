"""The round scheduler: one cron job per enrolled channel, rebuilt from the database."""
