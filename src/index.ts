// The library: everything the CLI is built from, for programs that call OneOffice directly.
export { main, type Deps } from './cli.js';
export { buildCall, parseHeaderLines, VERSION, USER_AGENT, type CallRequest, type CallSpec } from './request.js';
export { send, sendWhole, createDispatcher, type CallResponse, type Timeouts } from './transport.js';
export { DEFAULT_TIMEOUTS } from './net-settings.js';
export { createRegistry, secretPaths, summaryOf, type Registry } from './schema/registry.js';
export { loadValidator } from './schema/validator.js';
export { describeErrors } from './schema/messages.js';
export { builtinSchemas } from './generated/builtin.js';
export { maskSecret, maskPaths } from './mask.js';
export { shellQuote } from './quote.js';
export * from './errors.js';
export type { JsonSchema, MethodSchema, CompiledValidator } from './schema/types.js';
export type * from './generated/types.js';
export { startMockServer, type MockServer, type MockServerOptions } from './mock/server.js';
