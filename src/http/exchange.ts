// What the transport reports while a call is under way, for -v and -vv. The transport fills it in;
// printers only read it.
/** An answer's status line and headers, as -v shows them. */
export interface ResponseHead {
  status: number;
  statusText: string;
  /** The server's own reason phrase, when the transport has it. */
  reason?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Names and values in turn, as the server wrote them: -v shows these when the transport has them. */
  rawHeaders?: readonly string[];
  /** '1.1', when the transport says (-w's %{http_version}, %{size_header}). */
  httpVersion?: string;
}

export interface TlsInfo {
  protocol: string;
  cipher: string;
  subject: string;
  issuer: string;
  validTo: string;
  /** Subject of the client certificate this side presented, if any (--cert). */
  clientSubject?: string;
}

export interface ExchangeObserver {
  /** An attempt begins (the first, or a retry): its request is to be shown again. */
  attemptStarted(): void;
  /** A new connection is being opened. */
  connecting(target: { host: string; port: number }): void;
  /** DNS gave this address (not called when the host is an IP address). */
  resolved(address: string): void;
  /** TCP is up. */
  tcpConnected(): void;
  /** The connection is ready (after TLS, for https). */
  connected(info: { host: string; address: string; port: number; tls?: TlsInfo; local?: { address: string; port: number } }): void;
  responseHead(head: ResponseHead): void;
  /** The whole body has been read: this many bytes. */
  done(bytes?: number): void;
}
