// Why output could not be written (stdout, a --results file), in words for a one-line message.

export function describeWriteError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EPIPE':
      return 'EPIPE (the reader closed the pipe)';
    case 'ENOSPC':
      return 'ENOSPC (no space left on device)';
    case 'EDQUOT':
      return 'EDQUOT (disk quota exceeded)';
    case 'EIO':
      return 'EIO (input/output error)';
    default:
      return error.code ?? error.message;
  }
}
