# bpu: one image for web (gunicorn), worker (celery worker), beat (celery beat) and migrate.
# Build: docker compose build    Run: see README.md "Deploying with docker compose".
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=bpu.settings \
    MEDIA_ROOT=/data/media

# WeasyPrint renders the PDF reports with Pango/HarfBuzz; DejaVu is the font they use.
# The compiled translations (locale/*.mo) are committed; the healthcheck uses Python, not curl.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The project and its pinned dependencies (constraints.txt is the lock).
COPY . .
RUN pip install --upgrade pip \
 && pip install -c constraints.txt . \
 && rm -rf build *.egg-info

# Static files are collected (and compressed) at build time with a throwaway key and
# passkey site: the real SECRET_KEY and WEBAUTHN_* come from the environment at run time.
RUN DEBUG=0 SECRET_KEY=build-only-not-secret TASKS_IN_PROCESS=1 \
    WEBAUTHN_RP_ID=build.invalid WEBAUTHN_ORIGIN=https://build.invalid \
    python manage.py collectstatic --no-input -v0 \
 && test -f staticfiles/staticfiles.json

# Run as an unprivileged user; /data/media is the shared volume for uploads and PDFs.
RUN useradd --create-home --uid 1000 bpu \
 && mkdir -p /data/media \
 && chown -R bpu:bpu /data
USER bpu

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"

# The same command line CI's gunicorn smoke test runs natively (bind address aside).
CMD ["gunicorn", "bpu.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--timeout", "60", "--access-logfile", "-"]
