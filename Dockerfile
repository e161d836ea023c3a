# Convenor's production image: gunicorn serves convenor.wsgi; the same image runs `convenor worker`.
# Multi-stage: wheels are built in the first stage; the runtime stage has no compiler and runs as
# an unprivileged user. make prod-check runs the same commands natively (scripts/prod-check.sh).
FROM python:3.12.11-slim-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN python -m venv /opt/convenor && /opt/convenor/bin/pip install --no-cache-dir .

FROM python:3.12.11-slim-bookworm
# pango/cairo/harfbuzz for WeasyPrint's PDFs; postgresql-client for `convenor backup` (pg_dump).
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libcairo2 fonts-dejavu-core \
      postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/convenor --create-home convenor
COPY --from=build /opt/convenor /opt/convenor
ENV PATH=/opt/convenor/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    CONVENOR_VAR_DIR=/var/lib/convenor \
    CONVENOR_LOG_FORMAT=json
# Static files collected at build time (served by whitenoise); collectstatic needs no secrets.
RUN CONVENOR_SECRET_KEY=build-only CONVENOR_AUDIT_KEY=build-only-build-only-build-only-build \
    convenor collectstatic --no-input -v 0 && chown -R convenor /var/lib/convenor
USER convenor
WORKDIR /var/lib/convenor
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
# No --access-logfile: gunicorn's access log stays off. Convenor writes one JSON line a request
# itself (request id, user id, route) and none for the anonymous channel (ADR 0032, ADR 0063).
CMD ["gunicorn", "convenor.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "120"]
