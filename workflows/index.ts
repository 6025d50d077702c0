export * from './keyRequest';
export * from './revocation';
export * from './keyLifecycle';
export * from './leak';
