/**
 * The one status write of a pass. It is skipped when nothing changed, and retried on a conflict
 * when only metadata or spec moved on since the read (the decision still holds: the next pass
 * sees the newer spec). When another writer changed the status itself, the decision rests on a
 * stale status, so the write is abandoned with StatusConflictError and the pass is retried.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ModelDeployment, ModelDeploymentStatus } from '../api/types.js';
import { ConflictError, type KubeAccess } from './kube.js';

export const STATUS_WRITE_ATTEMPTS = 4;

/** Another writer changed the status after it was read; recompute from the fresh object. */
export class StatusConflictError extends Error {
  override name = 'StatusConflictError';
}

/** JSON form (drops undefined members) so that equal statuses compare equal. */
function plain(status: ModelDeploymentStatus | undefined): unknown {
  return JSON.parse(JSON.stringify(status ?? {}));
}

/**
 * Writes `status` onto `read` (the object the decision was made from). Returns the object as
 * written, `read` when nothing changed, or null when the object is gone.
 */
export async function writeStatus(
  kube: KubeAccess,
  read: ModelDeployment,
  status: ModelDeploymentStatus,
): Promise<ModelDeployment | null> {
  const base = plain(read.status);
  if (isDeepStrictEqual(plain(status), base)) return read;
  let target = read;
  for (let attempt = 1; ; attempt++) {
    try {
      return await kube.replaceStatus({ ...target, status });
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= STATUS_WRITE_ATTEMPTS) throw err;
    }
    const fresh = await kube.getModelDeployment(read.metadata.namespace, read.metadata.name);
    if (!fresh) return null;
    if (!isDeepStrictEqual(plain(fresh.status), base)) {
      throw new StatusConflictError(
        `status of ${read.metadata.namespace}/${read.metadata.name} was changed by another writer; recomputing`,
      );
    }
    target = fresh;
  }
}
