// TLS to a server with a self-signed certificate, without a global "ignore TLS errors":
// that one certificate is the only trust anchor, and the connection also checks that the
// server presents exactly it (its SHA-256 fingerprint), whatever name it was reached by.
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';

export interface PinnedTlsOptions {
  ca: string[];
  servername: string;
  rejectUnauthorized: true;
  checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined;
}

export function pinnedTls(pem: string): PinnedTlsOptions {
  const cert = new X509Certificate(pem);
  const pin = cert.fingerprint256;
  return {
    ca: [pem],
    // Loopback servers are reached by address; SNI takes names only.
    servername: 'localhost',
    rejectUnauthorized: true,
    checkServerIdentity: (_host, peer) =>
      peer.fingerprint256 === pin
        ? undefined
        : Object.assign(
            new Error(
              `The server's certificate (${peer.fingerprint256}) is not the pinned one (${pin}).`,
            ),
            {
              code: 'ERR_TLS_CERT_PIN_MISMATCH',
            },
          ),
  };
}
