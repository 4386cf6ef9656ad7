"""Settings of ``python -m bench.realtime``: the bench's (production's, DEBUG off), the
channel layer on Redis under a prefix of the bench's own, and the bench's topic.

``bench-chat:<n>`` stands for a live chat until the chat's own topics replace it: an
agent of the account may follow any chat; an anonymous visitor the chats its session
lists (``bench_chats``), the rule shape a help-center visitor's chat takes."""

from bench.settings import *  # noqa: F403
from realtime.topics import Subscriber, register

# Production's layer (helpdesk/settings.py: Redis at REDIS_URL, which bench.realtime
# sets to BENCH_REALTIME_REDIS_URL), under the bench's own prefix.
if CHANNEL_LAYERS["default"]["BACKEND"] != "channels_redis.core.RedisChannelLayer":  # noqa: F405
    raise RuntimeError("bench.realtime_settings needs REDIS_URL (the Redis channel layer)")
_LAYER: dict = CHANNEL_LAYERS["default"]  # noqa: F405
_LAYER["CONFIG"]["prefix"] = "bench-realtime"


def _bench_chat(subscriber: Subscriber, rest: str) -> bool:
    if subscriber.is_anonymous:
        return rest in subscriber.session.get("bench_chats", [])
    return bool(subscriber.user.is_agent)


register("bench-chat", _bench_chat, anonymous=True)
