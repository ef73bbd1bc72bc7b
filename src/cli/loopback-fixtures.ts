/**
 * The demo and the benchmarks reach their sandboxes and the sandbox MariaDB on loopback, which
 * the outbound-address policy refuses unless listed (docs/security.md). Call before `loadEnv()`;
 * an operator's own ALLOWED_PRIVATE_NETWORKS is kept.
 */
export function allowLoopbackFixtures(): void {
  process.env.ALLOWED_PRIVATE_NETWORKS ??= '127.0.0.0/8,::1/128';
}
