export * from './feeds/synthetic-feed.js';
