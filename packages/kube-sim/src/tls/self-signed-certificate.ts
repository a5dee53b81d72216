// A fresh self-signed serving certificate per kube-sim, generated in-process (no openssl CLI).
// It is its own CA: the kubeconfig carries it as certificate-authority-data.
import { isIP } from 'node:net';
import { generate } from 'selfsigned';

export interface ServingCertificate {
  certPem: string;
  keyPem: string;
}

export async function generateServingCertificate(hosts: string[]): Promise<ServingCertificate> {
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hosts.filter((h) => h && h !== '0.0.0.0' && h !== '::')])];
  const altNames = names.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n }));
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const pems = await generate([{ name: 'commonName', value: 'kube-sim' }, { name: 'organizationName', value: 'kube-sim' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}
