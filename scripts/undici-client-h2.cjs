'use strict';
// Build-time stand-in for undici's HTTP/2 client in the CLI bundles. oneoffice never enables
// allowH2, so ALPN never picks h2; the real module loads node:http2 and node:tls (~5 ms) at start.
module.exports = function connectH2() {
  throw new Error('HTTP/2 is not supported by the oneoffice CLI');
};
