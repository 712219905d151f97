/**
 * The Node flags the server runs with. `npm start` and the Dockerfile give them on their command
 * lines (H6 in tests/deploy.test.ts holds both to this list); the tests' server processes and the
 * benches start the server with them.
 *
 * `--max-semi-space-size=64`: V8's young generation may grow to 64 MB per semi-space instead of
 * 16. Every change allocates some 35 KB that dies within milliseconds (its packets, its ack, the
 * parse, the commit's messages). With 16 MB, a node holding a crowd scavenged several times a
 * second and promoted whatever was alive at that moment, so the old generation filled and its
 * mark-compacts stalled every table for tens of milliseconds (docs/benchmarks-notes.md, "Goal 3:
 * the young generation and the old one").
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
