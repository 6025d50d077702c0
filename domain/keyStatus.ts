/**
 * The status a person sees for a key. The store keeps four states; "expiring soon" is derived
 * from the expiry and the policy's window, and a key past its expiry reads as expired even before
 * its lifecycle workflow has written EXPIRED (verify answers EXPIRED the same way).
 */
export type StoredKeyStatus = 'PENDING_REVEAL' | 'ACTIVE' | 'EXPIRED' | 'REVOKED';
export type KeyDisplayStatus = 'pending' | 'active' | 'expiring_soon' | 'expired' | 'revoked';

export function keyDisplayStatus(key: { status: StoredKeyStatus; expiresAt: Date }, options: { now: Date; expiringSoonSeconds: number }): KeyDisplayStatus {
  switch (key.status) {
    case 'REVOKED':
      return 'revoked';
    case 'EXPIRED':
      return 'expired';
    case 'PENDING_REVEAL':
      return 'pending';
    case 'ACTIVE': {
      const left = key.expiresAt.getTime() - options.now.getTime();
      if (left <= 0) return 'expired';
      return left <= options.expiringSoonSeconds * 1000 ? 'expiring_soon' : 'active';
    }
  }
}

export const KEY_STATUS_LABEL: Record<KeyDisplayStatus, string> = {
  pending: 'pending',
  active: 'active',
  expiring_soon: 'expiring soon',
  expired: 'expired',
  revoked: 'revoked',
};
