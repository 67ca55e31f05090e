"""Background jobs (fit, high-resolution map, sweep) outside the request path.

``kinds`` is the table of job kinds, ``requests`` checks their hostile JSON, ``runner`` runs one
in a job process, ``board`` records what each job is doing for the liveness watch, and
``backend`` chooses where jobs run (Dash's Diskcache manager embedded, or Celery workers).
The callbacks are in ``components/callbacks/jobs.py``, the boxes in ``components/page/jobs_panel.py``.
"""
