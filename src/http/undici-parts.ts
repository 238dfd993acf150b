// The parts of undici a call uses, loaded from their own files. undici's index also loads fetch,
// WebSocket, caches and mocks: about 500 KB more for every process to compile, for nothing here.
// Types come from the package's public declarations.
import type * as Undici from 'undici';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import ProxyAgentClass from 'undici/lib/dispatcher/proxy-agent.js';
import PoolClass from 'undici/lib/dispatcher/pool.js';
import buildConnectorFunction from 'undici/lib/core/connect.js';
import api from 'undici/lib/api/index.js';
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import { requestTarget } from '../api/request.js';

export const Agent = AgentClass as unknown as typeof Undici.Agent;
export const ProxyAgent = ProxyAgentClass as unknown as typeof Undici.ProxyAgent;
export const Pool = PoolClass as unknown as typeof Undici.Pool;
export const buildConnector = buildConnectorFunction as unknown as typeof Undici.buildConnector;
export type Dispatcher = Undici.Dispatcher;
export type DispatchController = Undici.Dispatcher.DispatchController;
export type ConnectOptions = Undici.Dispatcher.ConnectOptions;
export type ConnectData = Undici.Dispatcher.ConnectData;
export type Connector = Undici.buildConnector.connector;

// What undici's index does first: give every dispatcher request(), connect() (proxy tunnels) and the rest.
Object.assign((DispatcherClass as { prototype: object }).prototype, api);

type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Undici.Dispatcher };

/** undici's `request(url, options)`: the dispatcher's own request() with the URL split as it does. */
export function request(url: URL, { dispatcher, ...options }: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  return dispatcher.request({ ...options, origin: url.origin, path: requestTarget(url) });
}
