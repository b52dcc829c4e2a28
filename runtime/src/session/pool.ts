/**
 * One least-recently-used bound over every onnxruntime session tensorjit holds: the main-thread
 * session of each trace and the worker-thread copy that `fun.async` loads. Each session owns a
 * thread pool and memory arenas (about 100 KB RSS even for a scalar graph), so neither side may
 * grow without bound. An evicted session is rebuilt from its model bytes when next used.
 *
 * The limit is `TENSORJIT_MAX_SESSIONS` (default 64), read when a session is admitted.
 */
import { envInt } from '../validate';

/** Something holding one loaded session. */
export interface Pooled {
  /** Clock value of the last use (`tick()`), compared to find the least recently used. */
  lastUsed: number;
  /** Releases the session (the holder reloads it when used again). */
  evict(): void;
}

const pool = new Set<Pooled>();
let clock = 0;

/** The next use-clock value (the hot path calls this once per compiled call). */
export function tick(): number { return ++clock; }

export const MAX_SESSIONS_DEFAULT = 64;
export const MAX_SESSIONS_LIMIT = 100000;

/** The configured session limit (TENSORJIT_MAX_SESSIONS, an integer from 1 to 100000). */
export function maxSessions(): number {
  return envInt('TENSORJIT_MAX_SESSIONS', 1, MAX_SESSIONS_LIMIT, MAX_SESSIONS_DEFAULT);
}

/** Records a newly loaded session, evicting the least recently used others beyond the limit. */
export function admit(p: Pooled): void {
  const limit = maxSessions();
  p.lastUsed = tick();
  pool.add(p);
  while (pool.size > limit) {
    let oldest: Pooled | undefined;
    for (const c of pool) if (c !== p && (!oldest || c.lastUsed < oldest.lastUsed)) oldest = c;
    if (!oldest) break;
    pool.delete(oldest);
    oldest.evict();
  }
}

/** Forgets a session that was released by its holder. */
export function leave(p: Pooled): void { pool.delete(p); }

/** Sessions currently counted against the limit (main thread and worker). */
export function pooledCount(): number { return pool.size; }
