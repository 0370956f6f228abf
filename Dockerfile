FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files are collected at build time and served by WhiteNoise; the key
# below exists only for this step and is never used at run time.
RUN DEBUG=false SECRET_KEY=build-only-key-for-collectstatic-0000000000000000000000 ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
 && useradd --system --uid 10001 --home-dir /app tracker \
 && mkdir -p /app/var && chown tracker /app/var

USER tracker
EXPOSE 8000
CMD ["gunicorn", "tracker.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
