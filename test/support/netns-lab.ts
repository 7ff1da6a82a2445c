/**
 * Network namespaces for the several-hosts tests (issue 10 "Tests"): each host gets a namespace of
 * its own, joined to the root namespace by a veth pair on a private /30 of 10.231.X.0/24 (X picked
 * unused per lab): host i has `10.231.X.(4i+2)` inside, `10.231.X.(4i+1)` on the root side. A
 * namespace holds loopback, its end of the pair and one route, to the lab's /24 through its root
 * side, so a host reaches the root-side addresses of the lab (where PostgreSQL and the simulator
 * listen) and nothing else. Root only, `ip` from iproute2; removed by `destroy` (and at exit).
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);
const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((path) => existsSync(path));

export interface NamespacedHost {
  readonly namespace: string;
  /** Its own address, inside the namespace. */
  readonly address: string;
  /** The root side of its veth pair. */
  readonly gateway: string;
  /** The argv prefix that runs a command inside the namespace (`ip netns exec` execs it: same pid). */
  readonly exec: string[];
}

export interface NetnsLab {
  readonly hosts: readonly NamespacedHost[];
  /** The /24 every address of the lab is in. */
  readonly subnet: string;
  destroy(): Promise<void>;
}

/** A lab of `count` namespaces, or why none can be made here (for a visible fallback). */
export async function openNetnsLab(count: number): Promise<{ lab: NetnsLab } | { unavailable: string }> {
  if (userInfo().uid !== 0) return { unavailable: 'not running as root' };
  if (IP === undefined) return { unavailable: 'no `ip` command (iproute2)' };
  const ip = IP;
  const octet = await unusedOctet(ip);
  const tag = randomBytes(3).toString('hex');
  const hosts = Array.from({ length: count }, (_, i) => namespacedHost(ip, `sensay-${process.pid}-${tag}-${i}`, octet, i));
  const links = hosts.map((_, i) => `sv${tag}h${i}`);
  // A run cut short still leaves no namespace behind ('exit' listeners must be synchronous).
  const removeSync = () => {
    for (const args of removals(hosts, links)) {
      try {
        execFileSync(ip, args, { stdio: 'ignore' });
      } catch {
        // Already gone.
      }
    }
  };
  process.once('exit', removeSync);
  const lab: NetnsLab = {
    hosts,
    subnet: `10.231.${octet}.0/24`,
    async destroy() {
      process.off('exit', removeSync);
      for (const args of removals(hosts, links)) await run(ip, args).catch(() => undefined);
    },
  };
  try {
    for (const [i, host] of hosts.entries()) await join(ip, host, links[i] as string, lab.subnet);
  } catch (error) {
    await lab.destroy();
    return { unavailable: `ip netns failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
  return { lab };
}

function namespacedHost(ip: string, namespace: string, octet: number, i: number): NamespacedHost {
  return {
    namespace,
    address: `10.231.${octet}.${4 * i + 2}`,
    gateway: `10.231.${octet}.${4 * i + 1}`,
    exec: [ip, 'netns', 'exec', namespace],
  };
}

async function join(ip: string, host: NamespacedHost, link: string, subnet: string): Promise<void> {
  const inside = (...args: string[]) => run(ip, ['-n', host.namespace, ...args]);
  await run(ip, ['netns', 'add', host.namespace]);
  await run(ip, ['link', 'add', link, 'type', 'veth', 'peer', 'name', `${link}n`, 'netns', host.namespace]);
  await run(ip, ['addr', 'add', `${host.gateway}/30`, 'dev', link]);
  await run(ip, ['link', 'set', link, 'up']);
  await inside('link', 'set', 'lo', 'up');
  await inside('addr', 'add', `${host.address}/30`, 'dev', `${link}n`);
  await inside('link', 'set', `${link}n`, 'up');
  await inside('route', 'add', subnet, 'via', host.gateway);
}

/** Deleting a namespace deletes its end of the pair, and with it the root end; both are asked. */
function removals(hosts: readonly NamespacedHost[], links: string[]): string[][] {
  return hosts.flatMap((host, i) => [
    ['link', 'del', links[i] as string],
    ['netns', 'del', host.namespace],
  ]);
}

/** A third octet of 10.231.0.0/16 that no address or route of this machine uses yet. */
async function unusedOctet(ip: string): Promise<number> {
  const { stdout: addresses } = await run(ip, ['-o', '-4', 'addr', 'show']);
  const { stdout: routes } = await run(ip, ['-4', 'route', 'show', 'table', 'all']);
  const used = new Set([...`${addresses}\n${routes}`.matchAll(/\b10\.231\.(\d+)\./g)].map((m) => Number(m[1])));
  const free = Array.from({ length: 254 }, (_, i) => i + 1).filter((n) => !used.has(n));
  const pick = free[randomBytes(1).readUInt8(0) % free.length];
  if (pick === undefined) throw new Error('no free /24 left in 10.231.0.0/16');
  return pick;
}
