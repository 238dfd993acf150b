// The library: everything the CLI is built from, for programs that call OneOffice directly.
export { main, type Deps } from './cli/main.js';
export { buildCall, parseHeaderLines, VERSION, USER_AGENT, type CallRequest, type CallSpec } from './api/request.js';
export { send, sendWhole, createDispatcher } from './http/undici-transport.js';
export type { CallResponse, Timeouts } from './http/transport.js';
export { DEFAULT_TIMEOUTS } from './config/network.js';
export { createRegistry, secretPaths, summaryOf, type Registry } from './api/schema/registry.js';
export { loadValidator } from './api/schema/validator.js';
export { describeErrors } from './api/schema/messages.js';
export { builtinSchemas } from './generated/builtin.js';
export { maskSecret, maskPaths } from './api/mask.js';
export { shellQuote } from './output/quote.js';
export * from './api/errors.js';
export type { JsonSchema, MethodSchema, CompiledValidator } from './api/schema/types.js';
export type * from './generated/types.js';
export { startMockServer, type MockServer, type MockServerOptions } from './mock/server.js';
