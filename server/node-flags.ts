/**
 * The Node flags the server runs with. `npm start` and the Dockerfile give them on their command
 * lines (H6 in tests/deploy.test.ts holds both to this list and checks that each takes effect); the
 * tests' server processes and the benches start the server with them.
 *
 * `--max-semi-space-size=64`: V8's young generation may grow to 64 MB per semi-space instead of
 * 16. Every change allocates some 35 KB that dies within milliseconds (its packets, its ack, the
 * parse, the commit's messages). With 16 MB, a node holding a crowd scavenged several times a
 * second and promoted whatever was alive at that moment, so the old generation filled and its
 * mark-compacts stalled every table for tens of milliseconds (docs/benchmarks-notes.md, "Goal 3:
 * the young generation and the old one").
 *
 * `--initial-old-space-size=512`: the old generation's size starts no full collection below 512
 * MB (or half the heap's limit, where that is smaller). Without it, V8 set the next full
 * collection 10 to 40% above the live heap; a crowd's old generation grows by a megabyte or two a
 * second (the delta history it keeps, and more), so a mark-compact came every 5 to 13 s, and each
 * stalled every table on the node for tens of milliseconds. With the floor, at 400 tables one
 * comes about every 100 s, when V8's memory reducer finds none came for that long: over 300 s the
 * delivery p99 went from 72 to 13 ms (docs/benchmarks-notes.md, "Goal 3: the old generation's
 * floor, and a hidden class per update").
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64', '--initial-old-space-size=512'];
