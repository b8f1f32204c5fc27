export * from './overnight-range.js';
