// A venue in another process: the client (ExecutionClient + VenueQueries + market data) and the protocol it speaks.
export * from './protocol.js';
export * from './query-codecs.js';
export * from './remote-venue-client.js';
export * from './venue-errors.js';
