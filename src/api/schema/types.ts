// The subset of JSON Schema the tool reads for flags, help and redaction. Validation itself is ajv's.
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  examples?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  /** A value never to print unmasked (passwords). */
  'x-secret'?: boolean;
  /** The method only reads: safe to retry after the request was sent. */
  'x-idempotent'?: boolean;
  [keyword: string]: unknown;
}

/** The shape of an ajv error, which both compiled-ahead and runtime validators report. */
export interface SchemaErrorObject {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: SchemaErrorObject[] | null;
}

export interface MethodSchema {
  name: string;
  schema: JsonSchema;
  /** 'builtin', or the file the schema was read from. */
  source: string;
}
