export * from './keyRequest';
export * from './keyLifecycle';
