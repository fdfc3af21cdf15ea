// A failed TLS handshake in words a person can act on. The library's own text (OpenSSL's
// "error:0A00010B:SSL routines::wrong version number") goes to the log, not to the client.

const SENTENCES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server’s certificate is self-signed, and not trusted here',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server’s certificate comes from an authority not trusted here',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'the server’s certificate comes from an authority not trusted here',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    'the server’s certificate comes from an authority not trusted here',
  CERT_HAS_EXPIRED: 'the server’s certificate has expired',
  CERT_NOT_YET_VALID: 'the server’s certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server’s certificate is made out to another host name',
  ERR_TLS_CERT_PIN_MISMATCH: 'the server’s certificate is not the one trusted for it',
  ERR_SSL_WRONG_VERSION_NUMBER:
    'the server did not answer with TLS on this port (check the security setting and the port)',
  EPROTO:
    'the server did not answer with TLS on this port (check the security setting and the port)',
};

const TLS_CODE = /^(ETLS|EPROTO|ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/;

/** Whether a Node, OpenSSL or nodemailer error code is a TLS failure. */
export const isTlsCode = (code: string | null | undefined): boolean =>
  !!code && TLS_CODE.test(code);

/** A sentence for a TLS failure's code, never the library's own text. */
export function tlsReason(code: string | null | undefined): string {
  return (
    (code && SENTENCES[code]) ??
    'the TLS handshake failed (the server’s certificate or TLS settings)'
  );
}
