"""Background work on a durable job queue (procrastinate).

PostgreSQL: the jobs are rows in PostgreSQL itself (schema `procrastinate`, made by migration
0011), so they survive a restart, and any number of `registry worker` processes share them;
each job is fetched by one worker only. SQLite (the demo, one process): the same tasks run on
procrastinate's in-memory queue by a worker inside the service process; what it had not
finished when the process stopped is handed to it again at the next start (see
`ReportJobs.unfinished`).
"""
