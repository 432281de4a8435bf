# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ewtp ewtp
COPY marketplace marketplace
COPY ehubs ehubs
COPY customs customs
COPY payments payments
RUN pip install --upgrade pip && pip install -e .
COPY . .
RUN DJANGO_SETTINGS_MODULE=ewtp.settings.production DJANGO_SECRET_KEY=build-only \
    DJANGO_ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "ewtp.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
