# One image for the web (gunicorn) and worker (qcluster) processes.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=cms.settings.production
WORKDIR /app
# WeasyPrint draws the versions' PDFs with Pango and HarfBuzz.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
    libharfbuzz-subset0 fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --create-home kvm && mkdir -p /app/var && chown kvm /app/var
USER kvm
EXPOSE 8000
# Behind a reverse proxy, run with -e TRUSTED_PROXIES=<its address> so rate limits count visitors, not the proxy.
CMD ["gunicorn", "cms.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
