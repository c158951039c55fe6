"""Local development: `make run`. SQLite, the ORM broker and the outbox; nothing else needs to run."""

from .base import *

DEBUG = env_bool("DEBUG", True)
WHITENOISE_USE_FINDERS = True
