/**
 * The one place that turns keyops's Temporal settings into the SDK's connection options, for the
 * client (`Connection`) and the worker (`NativeConnection`) alike, so the two never disagree on TLS.
 */
import type { TLSConfig } from '@temporalio/client';
import type { TemporalConnectionSettings } from '../config/temporalConnection';

export interface SdkConnectionOptions {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
}

export function sdkConnectionOptions(settings: Pick<TemporalConnectionSettings, 'address' | 'namespace' | 'tls' | 'apiKey'>): SdkConnectionOptions {
  const { tls } = settings;
  return {
    address: settings.address,
    ...(tls
      ? {
          tls: {
            ...(tls.ca ? { serverRootCACertificate: tls.ca } : {}),
            ...(tls.clientCert ? { clientCertPair: { crt: tls.clientCert.cert, key: tls.clientCert.key } } : {}),
            ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
          },
        }
      : {}),
    // Temporal Cloud's regional API-key endpoints route each call by this header.
    ...(settings.apiKey ? { apiKey: settings.apiKey, metadata: { 'temporal-namespace': settings.namespace } } : {}),
  };
}
