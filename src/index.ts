// The library's public API: the typed client, its errors, and the local server for tests. The CLI's
// own parts (argument parsing, printers, commands) are not part of it.
export { createClient, MAX_ANSWER_BYTES, type CallOptions, type Client, type ClientMethods, type ClientOptions } from './client/client.js';
export {
  ConfigError,
  ERROR_CODES,
  EXIT_CODES,
  ExitCode,
  HttpError,
  isOneOfficeError,
  NetworkError,
  OneOfficeError,
  TimeoutError,
  UsageError,
  ValidationError,
  type ErrorCode,
  type ExitCodeValue,
} from './api/errors.js';
export { buildCall, VERSION, USER_AGENT, type CallRequest, type CallSpec } from './api/request.js';
export { builtinSchemas } from './generated/builtin.js';
export { builtinResponses } from './generated/responses.js';
export type { JsonSchema } from './api/schema/types.js';
export type { SettingName } from './api/settings.js';
export type * from './generated/types.js';
export { METHOD_NAMES } from './generated/types.js';
export { startMockServer, type MockServer, type MockServerOptions } from './mock/server.js';
