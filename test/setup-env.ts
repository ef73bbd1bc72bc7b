/* Runs before every test file: points the app at the test database and a Redis database of its own, and lists loopback in ALLOWED_PRIVATE_NETWORKS (the fixtures and sandboxes live there). */
process.env.NODE_ENV = 'test';
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/ehr_sync_hub_test';
process.env.REDIS_URL ??= 'redis://127.0.0.1:6379/3';
process.env.SANDBOX_MYSQL_URL ??= 'mysql://root@127.0.0.1:3306';
process.env.LOG_LEVEL ??= 'warn';
process.env.SYNC_LOCK_DURATION_MS ??= '5000';
process.env.ALLOWED_PRIVATE_NETWORKS ??= '127.0.0.0/8,::1/128';
