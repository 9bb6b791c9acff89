// `tls-rs/ech` (beyond Node): Encrypted Client Hello keys for a server.
/// <reference types="node" />

export interface GenerateECHKeyOptions {
  /** The name the outer (cleartext) ClientHello carries; the server must hold a certificate for it. */
  publicName: string;
  /** The ECHConfig's maximum_name_length (0-255; default 0: clients pad as they see fit). */
  maxNameLength?: number;
}

export interface ECHKey {
  /** PEM (PRIVATE KEY, then ECHCONFIG) for a server's `echKeys`; what `openssl ech` writes. */
  key: string;
  /** The ECHConfigList clients pass as `echConfigList` (publish it base64 as the DNS HTTPS record's `ech`). */
  echConfigList: Buffer;
}

/** A new X25519 ECH key (RFC 9849 config, HKDF-SHA256, AES-128-GCM) for `publicName`. */
export declare function generateECHKey(options: GenerateECHKeyOptions): ECHKey;
/** The ECHConfigList in an ECH key PEM (e.g. one `openssl ech` wrote). */
export declare function echConfigListOf(pem: string | Buffer): Buffer;
