// Preloaded (NODE_OPTIONS=--require) into a server process by H8: prints the kind of logger each
// module of socket.io or engine.io got from `debug` when it loaded ("silent" or "debug").
const Module = require('node:module');

const load = Module._load;
const OWNERS = /node_modules[\\/](socket\.io|engine\.io|socket\.io-adapter)[\\/]/;
Module._load = function probedLoad(request, parent, ...rest) {
  const exported = load.call(this, request, parent, ...rest);
  if (request === 'debug' && OWNERS.test(parent?.filename ?? '')) process.stderr.write(`debug-probe: ${exported('probe').name}\n`);
  return exported;
};
