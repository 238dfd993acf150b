// The points in time of one call, named after curl's -w variables, for -vv and -w. Collected by
// observing the transport (exchange.ts): from the start of the last attempt, as curl reports its
// last transfer.
import type { ExchangeObserver, ResponseHead } from './exchange.js';
import { monotonicMs } from '../api/clock.js';

export type TimingName = 'time_namelookup' | 'time_connect' | 'time_appconnect' | 'time_starttransfer' | 'time_total';

export interface Marks {
  resolved?: number;
  tcp?: number;
  ready?: number;
  firstByte?: number;
  done?: number;
}

/** Milliseconds since the start, as curl's variables (seconds) name them; appconnect is 0 without TLS. */
export function curlTimings(marks: Marks, isHttps: boolean): Array<[TimingName, number]> {
  return [
    ['time_namelookup', (marks.resolved ?? 0) / 1000],
    ['time_connect', (marks.tcp ?? 0) / 1000],
    ['time_appconnect', isHttps ? (marks.ready ?? 0) / 1000 : 0],
    ['time_starttransfer', (marks.firstByte ?? 0) / 1000],
    ['time_total', (marks.done ?? 0) / 1000],
  ];
}

/** What -w reports about a call: its timings, its last status, how often it was retried, its size, its connection and answer. */
export class CallTimings implements ExchangeObserver {
  private start = monotonicMs();
  private marks: Marks = {};
  attempts = 0;
  /** 0 until an answer came (curl prints 000). */
  status = 0;
  bytes = 0;
  /** Of the last attempt. */
  connects = 0;
  remote: { ip: string; port: number } | undefined;
  local: { ip: string; port: number } | undefined;
  head: ResponseHead | undefined;

  attemptStarted(): void {
    this.attempts++;
    this.start = monotonicMs();
    this.marks = {};
    this.status = 0;
    this.connects = 0;
    this.remote = undefined;
    this.local = undefined;
    this.head = undefined;
  }

  connecting(): void {}

  resolved(): void {
    this.marks.resolved = this.elapsed();
  }

  tcpConnected(): void {
    this.marks.tcp = this.elapsed();
  }

  connected(info: { address: string; port: number; local?: { address: string; port: number } }): void {
    this.marks.ready = this.elapsed();
    this.marks.tcp ??= this.marks.ready;
    this.connects++;
    this.remote = { ip: info.address, port: info.port };
    if (info.local) this.local = { ip: info.local.address, port: info.local.port };
  }

  responseHead(head: ResponseHead): void {
    this.marks.firstByte = this.elapsed();
    this.status = head.status;
    this.head = head;
  }

  /** Seconds from the start of the last attempt to its connection being ready (curl's time_pretransfer). */
  pretransferSeconds(): number {
    return (this.marks.ready ?? 0) / 1000;
  }

  done(bytes?: number): void {
    this.marks.done = this.elapsed();
    if (bytes !== undefined) this.bytes = bytes;
  }

  /** Seconds; a call that failed has its time_total at the failure. */
  seconds(isHttps: boolean): Array<[TimingName, number]> {
    return curlTimings({ ...this.marks, done: this.marks.done ?? this.elapsed() }, isHttps);
  }

  private elapsed(): number {
    return monotonicMs() - this.start;
  }
}

/** One observer that tells several (-v and -w together). */
export function fanOut(observers: Array<ExchangeObserver | undefined>): ExchangeObserver | undefined {
  const present = observers.filter((observer): observer is ExchangeObserver => observer !== undefined);
  if (present.length <= 1) return present[0];
  return {
    attemptStarted: () => present.forEach((o) => o.attemptStarted()),
    connecting: (target) => present.forEach((o) => o.connecting(target)),
    resolved: (address) => present.forEach((o) => o.resolved(address)),
    tcpConnected: () => present.forEach((o) => o.tcpConnected()),
    connected: (info) => present.forEach((o) => o.connected(info)),
    responseHead: (head) => present.forEach((o) => o.responseHead(head)),
    done: (bytes) => present.forEach((o) => o.done(bytes)),
  };
}
