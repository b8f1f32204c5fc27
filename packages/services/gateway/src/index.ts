// The gateway role: authentication, scopes and audit now; the REST and WebSocket server on top next.
export * from './auth/index.js';
