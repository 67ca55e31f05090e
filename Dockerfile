# qdgain dashboard: gunicorn serving app:server on port 8050.
#   docker build -t qdgain .
#   docker run --rm -p 8050:8050 qdgain
# Configuration is by environment variable only (see gunicorn.conf.py and the README).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=8050

RUN groupadd --system --gid 10001 qdgain \
    && useradd --system --uid 10001 --gid qdgain --home-dir /app --shell /usr/sbin/nologin qdgain

WORKDIR /app

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --chown=root:root gunicorn.conf.py app.py ./
COPY --chown=root:root qdgain_core/ ./qdgain_core/
COPY --chown=root:root components/ ./components/
COPY --chown=root:root assets/ ./assets/

USER qdgain

EXPOSE 8050

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8050')}/healthz\", timeout=4)"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "app:server"]
