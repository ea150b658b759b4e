export * from './citizen-id';
export * from './credit-code';
export * from './divisions';
