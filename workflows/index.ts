export * from './keyRequest';
export * from './revocation';
