import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { safeEqual } from '../../common/crypto';
import type { AppEnv } from '../../config/env';
import { ALL_QUEUES } from '../../queue/queue.module';

/** Where the dashboard is served. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * Admin-key check for the dashboard: `Authorization: Bearer <ADMIN_API_KEY>`, or HTTP Basic with
 * the admin key as the password (what a browser can send; any user name). Answers 401 with a
 * Basic challenge so a browser asks for it.
 */
export function adminKeyMiddleware(adminApiKey: string): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
    const password = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
    const given = bearer ?? password ?? '';
    if (given && safeEqual(given, adminApiKey)) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="EHR Sync Hub queues", charset="UTF-8"');
    res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: 'The queue dashboard needs the admin API key' });
  };
}

/**
 * Mounts the bull-board dashboard (https://github.com/felixmosh/bull-board) at
 * {@link QUEUE_DASHBOARD_PATH}, showing every BullMQ queue, behind the admin key. In production
 * it is read-only (no retry, clean or promote buttons): operators change jobs through the API.
 */
export function mountQueueDashboard(app: INestApplication, env: AppEnv): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  const readOnlyMode = env.nodeEnv === 'production';
  const queues = app.get<Queue[]>(ALL_QUEUES);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode })), serverAdapter });
  app.use(QUEUE_DASHBOARD_PATH, adminKeyMiddleware(env.adminApiKey), serverAdapter.getRouter());
}
