// The environment as every layer reads it: injected (ctx.deps.env, a client's `env` option), never
// process.env directly, so tests need no real environment.
export type Env = Record<string, string | undefined>;
