// fs-native-extensions ships no declarations; only the lock functions oneoffice uses.
declare module 'fs-native-extensions' {
  /** true if granted, false if another open file holds a conflicting lock. */
  export function tryLock(fd: number, options?: { shared?: boolean }): boolean;
  export function unlock(fd: number): void;
}
