import express from 'express';
import { Database } from '../db/data-source';
import { hasPendingMigrations } from '../db/bootstrap';
import { withDeadline } from '../db/watchdog';
import type { createMetrics } from '../common/observability';
import { ApiKeyService, hasScope, presentedKey } from '../modules/partners';

export interface ProbeDeps {
  db: Database;
  apiKeys: ApiKeyService;
  metrics: ReturnType<typeof createMetrics>;
  probeTimeoutMs: number;
  shuttingDown: () => boolean;
  /** Redis's part of /readyz. */
  sharedStatus: () => Record<string, unknown>;
}

/** /healthz (the process is up), /readyz (the database answers, no migration pending) and /metrics (admin keys). */
export function probeRoutes(app: express.Express, deps: ProbeDeps): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (deps.shuttingDown()) return void res.status(503).json({ status: 'shutting down' });
    try {
      // Each probe has a deadline of its own: a frozen database must not hang the orchestrator's probe.
      await withDeadline(deps.db.dataSource.query('select 1'), deps.probeTimeoutMs);
      if (await withDeadline(hasPendingMigrations(deps.db), deps.probeTimeoutMs))
        return void res.status(503).json({ status: 'migrations pending' });
      res.json({ status: 'ready', database: deps.db.kind, ...deps.sharedStatus() });
    } catch {
      res.status(503).json({ status: 'database unreachable' });
    }
  });
  // Metrics describe the whole service: only for admin keys (Prometheus sends one as a bearer token).
  app.get('/metrics', async (req, res) => {
    const key = presentedKey(req.headers);
    const principal = key ? await deps.apiKeys.authenticate(key).catch(() => null) : null;
    if (!hasScope(principal, 'admin'))
      return void res.status(principal ? 403 : 401).json({ error: 'an admin API key is required' });
    const pool = (
      deps.db.dataSource.driver as unknown as {
        master?: { totalCount: number; idleCount: number; waitingCount: number };
      }
    ).master;
    if (pool) {
      deps.metrics.pool.set({ state: 'total' }, pool.totalCount);
      deps.metrics.pool.set({ state: 'idle' }, pool.idleCount);
      deps.metrics.pool.set({ state: 'waiting' }, pool.waitingCount);
    }
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}
