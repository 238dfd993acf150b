/* A stand-in curl.exe for the Windows lane (scripts/test-windows.mjs builds it with mingw-w64): it
 * writes the arguments it got, as the C runtime split its command line (the ANSI argv real curl.exe
 * reads), to the file named by CURL_ARGV_FILE, each followed by a NUL byte, so a test can check what
 * cmd.exe hands to curl.exe. It sends nothing. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  const char *path = getenv("CURL_ARGV_FILE");
  FILE *out;
  int i;
  if (path == NULL) return 2;
  out = fopen(path, "wb");
  if (out == NULL) return 3;
  for (i = 1; i < argc; i++) {
    fputs(argv[i], out);
    fputc(0, out);
  }
  return fclose(out) == 0 ? 0 : 4;
}
