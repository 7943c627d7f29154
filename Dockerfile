FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    GROUNDWORK_ENVIRONMENT=production WORKERS=2
WORKDIR /srv/groundwork

# Dependencies first (cached layer), then the app installed in place: templates,
# migrations and course_content are read from this folder.
COPY pyproject.toml constraints.txt README.md ./
RUN mkdir app && touch app/__init__.py \
    && pip install --no-cache-dir -c constraints.txt -e . \
    && rm -rf app
COPY alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY templates ./templates
COPY course_content ./course_content
RUN useradd --create-home --uid 10001 groundwork && mkdir -p var && chown groundwork var

USER groundwork
VOLUME ["/srv/groundwork/var"]
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
# Migrate once, then serve with several workers (uvloop + httptools).
CMD ["sh", "-c", "groundwork db upgrade && exec uvicorn app.asgi:app --host 0.0.0.0 --port 8000 --workers ${WORKERS} --loop uvloop --http httptools --proxy-headers"]
