// -v and -vv on stderr, laid out like curl -v: `*` lines for what the tool does, `>` for what is
// sent, `<` for what came back. The request is printed from the call as data, which is exactly
// what the transport sends (see request.ts).
import type { ExchangeObserver, TlsInfo } from '../http/exchange.js';
import { curlTimings } from '../http/timings.js';
import { verboseConnectLines, verboseRequestLines, verboseResponseLines, type Reveal, type ResponseHead } from './printer.js';
import type { ProxyRoute } from '../http/proxy.js';
import type { JsonPalette } from './pretty-json.js';
import type { CallRequest } from '../api/request.js';
import { monotonicMs } from '../api/clock.js';

export interface VerboseStyle {
  info(text: string): string;
  sent(text: string): string;
  received(text: string): string;
  palette?: JsonPalette;
}

const plainStyle: VerboseStyle = { info: (t) => t, sent: (t) => t, received: (t) => t };

export class VerbosePrinter implements ExchangeObserver {
  private readonly start = monotonicMs();
  private readonly marks: Partial<Record<'resolved' | 'tcp' | 'ready' | 'firstByte' | 'done', number>> = {};
  private requestPrinted = false;
  private tunnelPrinted = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly call: CallRequest,
    private readonly level: number,
    private readonly reveal: Reveal,
    private readonly style: VerboseStyle = plainStyle,
    /** How the call goes through a proxy, when it does. */
    private readonly route?: ProxyRoute,
  ) {}

  attemptStarted(): void {
    this.requestPrinted = false;
  }

  connecting(target: { host: string; port: number }): void {
    this.info(`Trying ${target.host}:${target.port}...`);
  }

  resolved(address: string): void {
    this.marks.resolved = this.elapsed();
    this.info(`Resolved ${this.call.url.hostname} to ${address}`);
  }

  tcpConnected(): void {
    this.marks.tcp = this.elapsed();
  }

  connected(info: { host: string; address: string; port: number; tls?: TlsInfo }): void {
    this.marks.ready = this.elapsed();
    this.marks.tcp ??= this.marks.ready;
    this.info(`Connected to ${info.host} (${info.address}) port ${info.port}`);
    if (info.tls) this.printTls(info.tls);
    this.printRequest();
  }

  responseHead(head: ResponseHead): void {
    this.marks.firstByte = this.elapsed();
    this.printRequest();
    this.lines(verboseResponseLines(head), this.style.received);
  }

  done(): void {
    this.marks.done = this.elapsed();
    this.info(`Request completed in ${Math.round(this.marks.done)} ms`);
    if (this.level >= 2) this.printTimings();
  }

  private printRequest(): void {
    if (this.requestPrinted) return;
    this.requestPrinted = true;
    this.printTunnel();
    const lines = verboseRequestLines(this.call, this.reveal, this.style.palette, this.route);
    const headEnd = lines.indexOf('>') + 1;
    this.lines(lines.slice(0, headEnd), this.style.sent);
    this.write(`${lines.slice(headEnd).join('\n')}\n`);
  }

  /**
   * The CONNECT a tunnel began with, as curl -v shows it before the request: once, when the first
   * request through it is shown (an answer came: the tunnel was up), as the retries reuse it.
   */
  private printTunnel(): void {
    if (this.route?.kind !== 'tunnel' || this.tunnelPrinted) return;
    this.tunnelPrinted = true;
    this.info(`Establish HTTP proxy tunnel to ${this.route.authority}`);
    this.lines(verboseConnectLines(this.route, this.reveal), this.style.sent);
    this.info('CONNECT phase completed');
  }

  private printTls(tls: TlsInfo): void {
    this.info(`SSL connection using ${tls.protocol} / ${tls.cipher}`);
    this.info('Server certificate:');
    this.info(` subject: ${tls.subject}`);
    this.info(` issuer: ${tls.issuer}`);
    this.info(` expire date: ${tls.validTo}`);
    if (tls.clientSubject) this.info(`Client certificate: subject: ${tls.clientSubject}`);
  }

  /** The same points in time as curl's -w variables, in seconds from the start. */
  private printTimings(): void {
    for (const [name, value] of curlTimings(this.marks, this.call.url.protocol === 'https:')) this.info(`${`${name}:`.padEnd(20)}${value.toFixed(6)} s`);
  }

  private info(text: string): void {
    this.write(`${this.style.info(`* ${text}`)}\n`);
  }

  private lines(lines: string[], color: (text: string) => string): void {
    this.write(`${lines.map((line) => color(line)).join('\n')}\n`);
  }

  private elapsed(): number {
    return monotonicMs() - this.start;
  }
}
