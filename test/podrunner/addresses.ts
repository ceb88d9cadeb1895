/**
 * Loopback address pools: one address per pod and one per Service, inside 127.0.0.0/8 (never
 * 127.0.0.1, which the control plane and everything else on the machine use). Pure.
 */

/** Hands out stable addresses by key; a released address is reused only once the range is spent. */
export class AddressPool {
  private readonly byKey = new Map<string, string>();
  private readonly released: string[] = [];
  private next: number;

  /**
   * @param secondOctet the pool is 127.<secondOctet>.0.0/16 (10..255)
   * @param firstHost the first host number handed out inside the /16 (e.g. 2 for 127.x.0.2)
   */
  constructor(
    private readonly secondOctet: number,
    firstHost: number,
  ) {
    if (!Number.isInteger(secondOctet) || secondOctet < 10 || secondOctet > 255) {
      throw new Error(`address pool: second octet must be an integer in 10..255, got ${secondOctet}`);
    }
    this.next = firstHost;
  }

  /** The address of `key`, allocating one on first use. */
  allocate(key: string): string {
    const known = this.byKey.get(key);
    if (known) return known;
    let address: string | undefined;
    if (this.next <= 0xfffe) address = this.format(this.next++);
    else address = this.released.shift();
    if (!address) throw new Error(`address pool 127.${this.secondOctet}.0.0/16 is exhausted`);
    this.byKey.set(key, address);
    return address;
  }

  /** The address of `key`, if it has one. */
  get(key: string): string | undefined {
    return this.byKey.get(key);
  }

  /** Keys holding an address. */
  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** Gives the address of `key` back to the pool. */
  release(key: string): void {
    const address = this.byKey.get(key);
    if (!address) return;
    this.byKey.delete(key);
    this.released.push(address);
  }

  private format(host: number): string {
    return `127.${this.secondOctet}.${host >> 8}.${host & 0xff}`;
  }
}

/** Address ranges of runner slot `slot` (several runners may share a machine: one slot each). */
export function slotRanges(slot: number): { podOctet: number; serviceOctet: number } {
  if (!Number.isInteger(slot) || slot < 0 || slot >= MAX_SLOTS) {
    throw new Error(`pod runner slot must be an integer in 0..${MAX_SLOTS - 1}, got ${slot}`);
  }
  return { podOctet: 10 + slot, serviceOctet: 110 + slot };
}

/** How many runners can run side by side on one machine. */
export const MAX_SLOTS = 100;
