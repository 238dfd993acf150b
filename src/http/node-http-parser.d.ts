// Node's own HTTP/1 parser (llhttp), as node:http uses it; Node ships no declarations for the
// module that hands it out. Only what parsed-connection.ts uses.
declare module '_http_common' {
  export class HTTPParser {
    static readonly RESPONSE: number;
    static readonly kOnHeaders: number;
    static readonly kOnHeadersComplete: number;
    static readonly kOnBody: number;
    static readonly kOnMessageComplete: number;
    static readonly kLenientNone: number;
    static readonly kLenientAll: number;
    initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
    /** Bytes parsed, or the parse error (its code HPE_...). */
    execute(data: Buffer): number | Error;
    finish(): number | Error | undefined;
    close(): void;
    [callback: number]: unknown;
  }
  export function isLenient(): boolean;
  export function prepareError(error: Error, parser: HTTPParser, rawPacket: Buffer): void;
  export function _checkIsHttpToken(value: string): boolean;
  export function _checkInvalidHeaderChar(value: string): boolean;
}
