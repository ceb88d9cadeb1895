import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** File paths of the generated PKI of one control plane. */
export interface Pki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  saKey: string;
  saPub: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function signed(dir: string, name: string, subject: string, ext: string): void {
  openssl(['genrsa', '-out', `${name}.key`, '2048'], dir);
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], dir);
  fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '365',
      '-sha256',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ],
    dir,
  );
}

/** CA, apiserver serving cert, admin client cert (group system:masters) and service-account key pair. */
export function generatePki(dir: string): Pki {
  fs.mkdirSync(dir, { recursive: true });
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '365',
      '-subj',
      '/CN=modelrollout-local-ca',
    ],
    dir,
  );
  signed(
    dir,
    'server',
    '/CN=kube-apiserver',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default\n' +
      'extendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n',
  );
  signed(
    dir,
    'admin',
    '/O=system:masters/CN=admin',
    'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n',
  );
  openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  const p = (f: string) => path.join(dir, f);
  return {
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    adminCert: p('admin.crt'),
    adminKey: p('admin.key'),
    saKey: p('sa.key'),
    saPub: p('sa.pub'),
  };
}

/** A kubeconfig with embedded certificates for the admin user. */
export function writeKubeconfig(file: string, server: string, pki: Pki): void {
  const b64 = (f: string) => fs.readFileSync(f).toString('base64');
  fs.writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(pki.caCert)}
users:
- name: admin
  user:
    client-certificate-data: ${b64(pki.adminCert)}
    client-key-data: ${b64(pki.adminKey)}
contexts:
- name: local
  context: {cluster: local, user: admin, namespace: default}
current-context: local
`,
    { mode: 0o600 },
  );
}
