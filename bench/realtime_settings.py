"""Settings of ``python -m bench.realtime``: the bench's (production's, DEBUG off) and the
channel layer on Redis under a prefix of the bench's own. The chats' topics are the
app's own (chat.topics), with the rules production applies."""

from bench.settings import *  # noqa: F403

# Production's layer (helpdesk/settings.py: Redis at REDIS_URL, which bench.realtime
# sets to BENCH_REALTIME_REDIS_URL), under the bench's own prefix.
if CHANNEL_LAYERS["default"]["BACKEND"] != "channels_redis.core.RedisChannelLayer":  # noqa: F405
    raise RuntimeError("bench.realtime_settings needs REDIS_URL (the Redis channel layer)")
_LAYER: dict = CHANNEL_LAYERS["default"]  # noqa: F405
_LAYER["CONFIG"]["prefix"] = "bench-realtime"
