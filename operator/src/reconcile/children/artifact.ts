/**
 * How the serve program gets its model artifact. `serve` reads a local file named by
 * MODEL_ARTIFACT, so the pod makes one available:
 * - a path or file:// URI: used as is (baked into the image or on a mounted volume);
 * - an http(s):// URI: an init container downloads it into an emptyDir, checking `sha256`;
 * - a ConfigMap key: the ConfigMap is mounted and the key's file is used.
 */
import type { V1Container, V1EnvVar, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { ArtifactSource } from '../../api/types.js';
import { CONTAINER_SECURITY } from './common.js';

/** Where downloaded or mounted artifacts live inside the pod. */
export const ARTIFACT_DIR = '/var/lib/model-server/artifact';

/**
 * Runs in the init container (`node -e`): downloads ARTIFACT_URI to ARTIFACT_PATH and refuses a
 * body whose SHA-256 differs from ARTIFACT_SHA256 (when set). Node only, so any model-server image
 * can run it.
 */
export const FETCH_ARTIFACT_SCRIPT = [
  "const fs = require('node:fs'); const { createHash } = require('node:crypto');",
  'const { ARTIFACT_URI: uri, ARTIFACT_SHA256: want, ARTIFACT_PATH: out } = process.env;',
  '(async () => {',
  '  const res = await fetch(uri, { signal: AbortSignal.timeout(300000) });',
  "  if (!res.ok) throw new Error('GET ' + uri + ': HTTP ' + res.status);",
  '  const body = Buffer.from(await res.arrayBuffer());',
  "  const got = createHash('sha256').update(body).digest('hex');",
  "  if (want && got !== want) throw new Error('sha256 of ' + uri + ' is ' + got + ', expected ' + want);",
  "  fs.writeFileSync(out + '.part', body); fs.renameSync(out + '.part', out);",
  "  console.log('fetched ' + uri + ': ' + body.length + ' bytes, sha256 ' + got);",
  "})().catch((err) => { console.error('artifact fetch failed: ' + (err && err.message)); process.exit(1); });",
].join('\n');

/** Pod pieces that deliver an artifact to the serve container. */
export interface ArtifactWiring {
  /** Value of MODEL_ARTIFACT: a path inside the serve container. */
  path: string;
  volumes: V1Volume[];
  mounts: V1VolumeMount[];
  initContainers: V1Container[];
}

/** Local path of a `file://` URI or plain path; null for other URIs. */
export function localArtifactPath(uri: string): string | null {
  if (uri.startsWith('file://')) return decodeURIComponent(uri.slice('file://'.length));
  return uri.startsWith('/') ? uri : null;
}

export function artifactWiring(artifact: ArtifactSource, image: string): ArtifactWiring {
  const none: ArtifactWiring = { path: '', volumes: [], mounts: [], initContainers: [] };
  if (artifact.configMap) {
    const { name, key } = artifact.configMap;
    return {
      ...none,
      path: `${ARTIFACT_DIR}/${key}`,
      volumes: [{ name: 'artifact', configMap: { name, items: [{ key, path: key }] } }],
      mounts: [{ name: 'artifact', mountPath: ARTIFACT_DIR, readOnly: true }],
    };
  }
  const uri = artifact.uri ?? '';
  const local = localArtifactPath(uri);
  if (local !== null) return { ...none, path: local };
  const path = `${ARTIFACT_DIR}/model.json`;
  const env: V1EnvVar[] = [
    { name: 'ARTIFACT_URI', value: uri },
    { name: 'ARTIFACT_PATH', value: path },
    ...(artifact.sha256 ? [{ name: 'ARTIFACT_SHA256', value: artifact.sha256 }] : []),
  ];
  return {
    path,
    volumes: [{ name: 'artifact', emptyDir: {} }],
    mounts: [{ name: 'artifact', mountPath: ARTIFACT_DIR, readOnly: true }],
    initContainers: [
      {
        name: 'fetch-artifact',
        image,
        command: ['node', '-e', FETCH_ARTIFACT_SCRIPT],
        env,
        securityContext: CONTAINER_SECURITY,
        volumeMounts: [{ name: 'artifact', mountPath: ARTIFACT_DIR }],
      },
    ],
  };
}
