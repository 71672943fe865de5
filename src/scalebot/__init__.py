"""scalebot: daily "How would you scale it?" practice for Slack, Discord and the terminal."""

__version__ = "0.1.0"
