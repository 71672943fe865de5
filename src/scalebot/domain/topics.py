"""What members read for a question topic: its title, never the slug."""

from __future__ import annotations

from scalebot.locales import Message, _

# The shipped bank's topics; an operator's own topics read as their slug made readable.
TOPIC_TITLES: dict[str, Message] = {
    "batch-vs-realtime": _("Batch vs real time"),
    "checkpoints": _("Checkpoints"),
    "cost": _("Cost"),
    "data-volume": _("Data volume"),
    "deployment": _("Deployment"),
    "features-regularization": _("Features and regularisation"),
    "framework": _("Frameworks"),
    "hardware": _("Hardware"),
    "inference-latency": _("Inference latency"),
    "ml-scaling": _("Scaling ML"),
    "monitoring": _("Monitoring"),
    "privacy-security": _("Privacy and security"),
    "retraining-drift": _("Retraining and drift"),
    "system-design": _("System design"),
}


def topic_title(topic: str) -> Message | str:
    """The title of a topic, ready for a translator."""
    return TOPIC_TITLES.get(topic) or topic.replace("-", " ").capitalize()
