"""The shared Redis cache, degrading to "not cached" while Redis is unreachable.

A cache holds nothing that cannot be computed again; an unreachable Redis must
slow pages down, not break them (the web app keeps working while Redis is down).
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _unavailable(operation: str, error: Exception) -> None:
    logger.warning("Cache unavailable (%s): %s", operation, error)


class ResilientRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            _unavailable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            _unavailable("get_many", error)
            return {}

    def set(self, key, value, timeout=..., version=None):
        kwargs = {} if timeout is ... else {"timeout": timeout}
        try:
            super().set(key, value, version=version, **kwargs)
        except RedisError as error:
            _unavailable("set", error)

    def set_many(self, data, timeout=..., version=None):
        kwargs = {} if timeout is ... else {"timeout": timeout}
        try:
            return super().set_many(data, version=version, **kwargs)
        except RedisError as error:
            _unavailable("set_many", error)
            return list(data)

    def add(self, key, value, timeout=..., version=None):
        kwargs = {} if timeout is ... else {"timeout": timeout}
        try:
            return super().add(key, value, version=version, **kwargs)
        except RedisError as error:
            _unavailable("add", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            _unavailable("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except RedisError as error:
            _unavailable("delete_many", error)
