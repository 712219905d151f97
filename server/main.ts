import { quietDebugWhenOff } from './quiet-debug';

// Socket.IO's modules take their `debug` loggers as they load: quieted first, the server imported
// after (a dynamic import, which the built bundle keeps as a chunk loaded at this point)
quietDebugWhenOff();
await import('./run-server');
