export * from './keyFormat';
export * from './keyMask';
export * from './keyHash';
export * from './duration';
export * from './errors';
export * from './policy';
export * from './ids';
