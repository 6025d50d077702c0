export * from './keyRequest';
