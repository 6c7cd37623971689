export * from './protocol.js';
export * from './completion.js';
export * from './chat-client.js';
