import { Job, Queue, QueueEvents } from 'bullmq';
import { loadEnv } from '../config/env';
import { JobProcessorError, JobProcessors } from './job-processors';
import { JOB_QUEUES, JobName, QueueName } from './queue.constants';
import { createRedis } from './redis';

const ALL = Object.values(JobName) as JobName[];

/** Registers a processor that returns its job name for every job name but `except`. */
function registerAll(processors: JobProcessors, except: JobName[] = []): void {
  for (const name of ALL) if (!except.includes(name)) processors.register(name, async (job) => ({ handled: job.name }));
}

describe('JobProcessors', () => {
  const apiOnly = () => new JobProcessors({ ...loadEnv(), appRole: 'api' });

  it('every job name has a queue', () => {
    expect(Object.keys(JOB_QUEUES).sort()).toEqual([...ALL].sort());
  });

  it('start-up fails naming the job when a job name has no processor', () => {
    const processors = apiOnly();
    registerAll(processors, [JobName.HEALTH_CHECK]);
    expect(() => processors.onApplicationBootstrap()).toThrow(JobProcessorError);
    expect(() => processors.onApplicationBootstrap()).toThrow(`No processor registered for job "${JobName.HEALTH_CHECK}" (queue ${QueueName.SCHEDULES})`);
  });

  it('names every missing job, and passes once all are registered', () => {
    const empty = apiOnly();
    expect(() => empty.assertComplete()).toThrow(new RegExp(ALL.map((n) => `"${n}"`).join('.*')));
    const full = apiOnly();
    registerAll(full);
    expect(() => full.onApplicationBootstrap()).not.toThrow();
  });

  it('refuses a second processor for one job name', () => {
    const processors = apiOnly();
    processors.register(JobName.RUN_SYNC, async () => undefined);
    expect(() => processors.register(JobName.RUN_SYNC, async () => undefined)).toThrow(`Job "${JobName.RUN_SYNC}" already has a processor`);
  });

  it('dispatches by job name and fails a job whose name has no processor', async () => {
    const processors = apiOnly();
    registerAll(processors);
    await expect(processors.dispatch({ name: JobName.RUN_ACTION } as Job)).resolves.toEqual({ handled: JobName.RUN_ACTION });
    await expect(processors.dispatch({ name: 'no-such-job' } as Job)).rejects.toThrow('No processor for job name no-such-job');
  });

  it('runs one worker per queue on a worker node: jobs of two names on one queue reach their own processors', async () => {
    const processors = new JobProcessors({ ...loadEnv(), appRole: 'worker' });
    registerAll(processors);
    const stopped: string[] = [];
    processors.onStop(() => stopped.push('stop'));
    const redis = createRedis(loadEnv().redisUrl);
    const queue = new Queue(QueueName.SCHEDULES, { connection: redis });
    const eventsRedis = createRedis(loadEnv().redisUrl);
    const events = new QueueEvents(QueueName.SCHEDULES, { connection: eventsRedis });
    try {
      await queue.obliterate({ force: true });
      await events.waitUntilReady();
      processors.onApplicationBootstrap();
      const tick = await queue.add(JobName.SCHEDULE_TICK, { integrationId: 'x' });
      const check = await queue.add(JobName.HEALTH_CHECK, {});
      expect(await tick.waitUntilFinished(events, 10_000)).toEqual({ handled: JobName.SCHEDULE_TICK });
      expect(await check.waitUntilFinished(events, 10_000)).toEqual({ handled: JobName.HEALTH_CHECK });
    } finally {
      await processors.beforeApplicationShutdown();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await events.close();
      await eventsRedis.quit();
      await redis.quit();
    }
    expect(stopped).toEqual(['stop']);
  });
});
