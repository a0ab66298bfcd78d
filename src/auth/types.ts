/** Who is calling: resolved from a gateway key by the authenticate stage. */
export type KeyRole = 'client' | 'operator' | 'admin';

export interface Principal {
  /** Public id of the gateway key (not the secret). */
  keyId: string;
  tenant: string;
  role: KeyRole;
}
